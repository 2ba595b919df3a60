// The SDK's errors in the port's vocabulary: every error the Alibaba Cloud SDK (or the HTTP layer below it)
// throws becomes a CloudErrorInfo (cloud/ack-api.ts) whose kind decides retry vs. stall (controller/core/failures.ts).
//
// What the SDK throws (read from @alicloud/openapi-core 1.0.8 and @darabonba/typescript 1.0.5 / httpx):
//   - HTTP 400–599 with a JSON body: ThrottlingError when the code contains "Throttling" (any status; its
//     retryAfter is parseInt of the x-acs-retry-after header, which the SDK's own retry policy uses as
//     MILLISECONDS), else ClientError (4xx) or ServerError (5xx); all carry code, statusCode, data, requestId.
//   - a body that is not JSON (any status, 2xx included): a native SyntaxError.
//   - timeouts: name "RequestTimeoutError", message "ReadTimeout…" or "ConnectTimeout…". httpx's connect
//     timeout is a socket idle timeout, so it can fire after the request was sent.
//   - network errors: Node errors with code ECONNREFUSED, ECONNRESET, … ("socket hang up" is ECONNRESET).
//   - credential provider failures (@alicloud/credentials): plain Errors before any request is sent.
// Nature of the request matters: a ScaleOutCluster POST that timed out, lost its connection, got a 5xx or a
// non-JSON 2xx may have created a task → unknownOutcome (recover from the task list, never blindly retry).
// The same failures of a GET are transient. Errors that prove nothing was sent (connection refused, DNS) are
// transient for both.

import { MAX_MESSAGE_LENGTH, type CloudErrorInfo, type CloudErrorKind, type RequestNature } from './ack-api.js';

/** Connection errors raised before any byte of the request could reach the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
/** Connection errors that may happen after the request was sent. */
const MAYBE_SENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

interface CodeRule {
  kind: CloudErrorKind;
  test: (code: string) => boolean;
}

/** Checked in order; the first rule whose test accepts the ACK code wins. */
const CODE_RULES: readonly CodeRule[] = [
  { kind: 'throttled', test: (code) => code.includes('Throttling') },
  // Refused before anything happened; the next request carries a fresh nonce.
  { kind: 'transient', test: (code) => code === 'SignatureNonceUsed' },
  {
    kind: 'auth',
    test: (code) =>
      /^(SignatureDoesNotMatch|IncompleteSignature|InvalidAccessKeyId|InvalidSecurityToken|MissingSecurityToken|InvalidAccessKeySecret|InvalidTimeStamp|InvalidSignature)/.test(code),
  },
  { kind: 'permission', test: (code) => /^(ErrorCheckAcl|Forbidden|NoPermission|AccessDenied|ErrorRamRole|NotAuthorized)/.test(code) },
  { kind: 'notFound', test: (code) => /^(ErrorClusterNotFound|ClusterNotFound|ErrorTaskNotFound|TaskNotFound)/.test(code) },
  { kind: 'capacity', test: (code) => /NoStock|Zone\.NotOnSale|ResourceNotAvailable|InsufficientCapacity|OperationDenied\.Resource/.test(code) },
  { kind: 'quota', test: (code) => /Quota|LimitExceeded|Account\.Arrearage|InsufficientBalance|InvalidPayMethod/.test(code) },
  { kind: 'clusterBusy', test: (code) => /^(InvalidStatus|ErrorClusterState|ClusterStatus|IncorrectClusterStatus|OperationConflict|Conflict)/.test(code) },
  { kind: 'invalidRequest', test: (code) => /^(Invalid|MissingParameter|Missing|BadRequest|ErrorParameter|Unsupported|InvalidParameter)/.test(code) },
  { kind: 'notFound', test: (code) => code.endsWith('NotFound') },
];

/** The kind of an ACK error code alone (a task's `error.code`), by the same rules as a call's. */
export function classifyErrorCode(code: string): CloudErrorKind {
  return CODE_RULES.find((candidate) => candidate.test(code))?.kind ?? 'transient';
}

/** Classifies an error thrown by the SDK for a request of the given nature (default: a read). */
export function classifyCloudError(err: unknown, nature: RequestNature = 'read'): CloudErrorInfo {
  const fields = readFields(err);
  const lowLevel = classifyLowLevel(fields, nature);
  if (lowLevel !== undefined) return lowLevel;
  const info = classifyResponse(fields, nature);
  return withOptional(info, fields);
}

/** classifyCloudError for a ScaleOutCluster call: anything that may have created a task is unknownOutcome. */
export function classifyScaleOutError(err: unknown): CloudErrorInfo {
  return classifyCloudError(err, 'mutation');
}

interface ErrorFields {
  name: string;
  code?: string;
  message: string;
  statusCode?: number;
  retryAfter?: number;
  requestId?: string;
  causeCode?: string;
}

function readFields(err: unknown): ErrorFields {
  if (typeof err !== 'object' || err === null) return { name: typeof err, message: String(err) };
  const record = err as Record<string, unknown>;
  const data = asRecord(record.data);
  const fields: ErrorFields = { name: stringField(record.name) ?? '', message: bodyMessage(data) ?? stringField(record.message) ?? '' };
  const optional: Partial<ErrorFields> = {
    code: meaningful(stringField(record.code)),
    statusCode: httpStatusOf(record, data),
    retryAfter: nonNegative(numberField(record.retryAfter)),
    requestId: meaningful(stringField(record.requestId)),
    causeCode: stringField(asRecord(record.cause)?.code),
  };
  for (const [key, value] of Object.entries(optional) as [string, unknown][]) {
    if (value !== undefined) Object.assign(fields, { [key]: value });
  }
  return fields;
}

/** The SDK sets statusCode; its ResponseError may carry it in data, and ACK's body has `status`. */
function httpStatusOf(record: Record<string, unknown>, data: Record<string, unknown> | undefined): number | undefined {
  return numberField(record.statusCode) ?? numberField(data?.statusCode) ?? numberField(data?.status);
}

/** The SDK stringifies absent values: "undefined" means absent. */
function meaningful(value: string | undefined): string | undefined {
  return value === undefined || value === 'undefined' || value === '' ? undefined : value;
}

function nonNegative(value: number | undefined): number | undefined {
  return value !== undefined && value >= 0 ? value : undefined;
}

function bodyMessage(data: Record<string, unknown> | undefined): string | undefined {
  const message = stringField(data?.Message) ?? stringField(data?.message);
  return message === undefined || message === '' ? undefined : message;
}

function classifyLowLevel(fields: ErrorFields, nature: RequestNature): CloudErrorInfo | undefined {
  const ifSent: CloudErrorInfo['kind'] = nature === 'mutation' ? 'unknownOutcome' : 'transient';
  const timeout = /^(ReadTimeout|ConnectTimeout)/.exec(fields.message)?.[1];
  if (fields.name === 'RequestTimeoutError' || timeout !== undefined) {
    return make(ifSent, timeout ?? 'RequestTimeout', fields.message);
  }
  const netCode = [fields.code, fields.causeCode].find((code) => code !== undefined && (NOT_SENT_CODES.has(code) || MAYBE_SENT_CODES.has(code)));
  if (netCode !== undefined) return make(NOT_SENT_CODES.has(netCode) ? 'transient' : ifSent, netCode, fields.message);
  if (/socket hang up/i.test(fields.message)) return make(ifSent, 'ECONNRESET', fields.message);
  if (fields.name === 'SyntaxError') return make(ifSent, 'InvalidResponse', `response body is not JSON: ${fields.message}`);
  if (fields.code === undefined && fields.statusCode === undefined) return classifyUncoded(fields, ifSent);
  return undefined;
}

/** A plain Error without code or status: a credential-chain failure (nothing sent) or something unknown. */
function classifyUncoded(fields: ErrorFields, ifSent: CloudErrorKind): CloudErrorInfo {
  if (/credential|access ?key|accessKey|security ?token|ECS Metadata|oidc|roleArn|ram role|aliyun cli|profile/i.test(fields.message)) {
    return make('auth', 'CredentialsUnavailable', fields.message);
  }
  return make(ifSent, fields.name === '' ? 'Unknown' : fields.name, fields.message);
}

function classifyResponse(fields: ErrorFields, nature: RequestNature): CloudErrorInfo {
  const code = fields.code ?? `HTTP${fields.statusCode ?? ''}`;
  const status = fields.statusCode;
  if (fields.name === 'ThrottlingError' || code.includes('Throttling') || status === 429) return make('throttled', code, fields.message);
  if (fields.name === 'ServerError' || (status !== undefined && status >= 500)) {
    return make(nature === 'mutation' ? 'unknownOutcome' : 'transient', code, fields.message);
  }
  const rule = CODE_RULES.find((candidate) => candidate.test(code));
  if (rule !== undefined) return make(rule.kind, code, fields.message);
  return make(kindFromStatus(status, nature), code, fields.message);
}

function kindFromStatus(status: number | undefined, nature: RequestNature): CloudErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'notFound';
  if (status === 408) return nature === 'mutation' ? 'unknownOutcome' : 'transient';
  if (status !== undefined && status >= 400 && status < 500) return 'invalidRequest';
  return nature === 'mutation' ? 'unknownOutcome' : 'transient';
}

function make(kind: CloudErrorKind, code: string, message: string): CloudErrorInfo {
  return { kind, code, message: sanitizeMessage(message) };
}

function withOptional(info: CloudErrorInfo, fields: ErrorFields): CloudErrorInfo {
  const result = { ...info };
  if (fields.statusCode !== undefined) result.httpStatus = fields.statusCode;
  if (fields.requestId !== undefined) result.requestId = fields.requestId;
  if (info.kind === 'throttled' && fields.retryAfter !== undefined) result.retryAfterMs = fields.retryAfter;
  return result;
}

const SECRET_ASSIGNMENT =
  /((?:access_?key_?secret|accessKeySecret|secret|password|login_password|security_?token|securityToken|signature|authorization|credential)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&}]+)/gi;

/** Removes anything that looks like a secret, cuts dumped payloads, and bounds the length. */
export function sanitizeMessage(message: string): string {
  // ACK's SignatureDoesNotMatch ends in the server's whole canonical request: no help to a reader of
  // a condition, so it is cut (the code and the first sentence say what happened).
  const withoutDumps = message.replace(/(JSON is:|failed:)\s*[{[].*$/s, '$1 <omitted>').replace(/\s*(server )?string ?to ?sign.*$/is, '');
  const redacted = withoutDumps.replace(SECRET_ASSIGNMENT, '$1<redacted>').replace(/ACS3-HMAC-SHA256\s+\S+/g, 'ACS3-HMAC-SHA256 <redacted>');
  const oneLine = redacted.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_MESSAGE_LENGTH ? `${oneLine.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : oneLine;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function stringField(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : undefined;
}

function numberField(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}
