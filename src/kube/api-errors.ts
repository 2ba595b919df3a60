// One handling rule per kind of Kubernetes API failure: 404 → the object is gone (done),
// 409 → a write raced with someone else or used a stale cache (requeue quietly), 429 / 5xx /
// network / timeout → retry with backoff, anything else → a real error.
// Works on client-node's ApiException (`code`, string `body`), its Watch errors (`statusCode`),
// and undici's network failures (`TypeError: fetch failed` with a `cause.code`).

export type ApiErrorKind = 'notFound' | 'conflict' | 'alreadyExists' | 'expired' | 'retryable' | 'error';

interface StatusBody {
  reason?: string;
  message?: string;
  details?: { retryAfterSeconds?: number };
}

const NETWORK_ERROR_NAMES = new Set(['AbortError', 'TimeoutError', 'ConnectTimeoutError', 'SocketError']);
const NETWORK_CODE = /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** The HTTP status of a failed API call, if the server answered. */
export function apiStatusCode(err: unknown): number | undefined {
  const record = asRecord(err);
  if (!record) return undefined;
  for (const field of ['code', 'statusCode']) {
    const value = record[field];
    if (typeof value === 'number' && value >= 100 && value < 600) return value;
  }
  return undefined;
}

/** The metav1.Status the server sent with the error, when there is one. */
export function apiStatusBody(err: unknown): StatusBody | undefined {
  const body = asRecord(err)?.body;
  if (typeof body === 'string') {
    try {
      return asRecord(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  return asRecord(body);
}

function isNetworkError(err: unknown): boolean {
  const record = asRecord(err);
  if (!record) return false;
  if (typeof record.name === 'string' && NETWORK_ERROR_NAMES.has(record.name)) return true;
  if (typeof record.code === 'string' && NETWORK_CODE.test(record.code)) return true;
  if (record.name === 'TypeError' && record.message === 'fetch failed') return true;
  return record.cause !== undefined && record.cause !== err && isNetworkError(record.cause);
}

export function classifyApiError(err: unknown): ApiErrorKind {
  const status = apiStatusCode(err);
  if (status === undefined) return isNetworkError(err) ? 'retryable' : 'error';
  if (status === 404) return 'notFound';
  if (status === 409) return apiStatusBody(err)?.reason === 'AlreadyExists' ? 'alreadyExists' : 'conflict';
  if (status === 410) return 'expired';
  if (status === 429 || status >= 500) return 'retryable';
  return 'error';
}

export const isNotFound = (err: unknown): boolean => classifyApiError(err) === 'notFound';
/** A write lost an optimistic-concurrency race (stale resourceVersion). */
export const isConflict = (err: unknown): boolean => classifyApiError(err) === 'conflict';
export const isAlreadyExists = (err: unknown): boolean => classifyApiError(err) === 'alreadyExists';
/** 410 Gone: the resourceVersion or continue token is too old; list again. */
export const isExpired = (err: unknown): boolean => classifyApiError(err) === 'expired';
export const isRetryable = (err: unknown): boolean => classifyApiError(err) === 'retryable';

/** How long the server asked us to wait (Retry-After header or Status details), if it did. */
export function retryAfterMs(err: unknown): number | undefined {
  const headers = asRecord(asRecord(err)?.headers);
  const header = headers?.['retry-after'];
  const seconds = typeof header === 'string' ? Number(header) : apiStatusBody(err)?.details?.retryAfterSeconds;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** A short human-readable description: the server's message when there is one. */
export function describeApiError(err: unknown): string {
  const status = apiStatusCode(err);
  const message = apiStatusBody(err)?.message;
  if (status !== undefined) return `HTTP ${status}${message ? `: ${message}` : ''}`;
  if (err instanceof Error) {
    const cause = asRecord(err.cause);
    return typeof cause?.code === 'string' ? `${err.message} (${cause.code})` : err.message;
  }
  return String(err);
}
