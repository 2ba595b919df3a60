// What ACK's answer looks like for each injected request fault (ack-api.md §2, §10.4).
import { AckError } from './errors.js';
import type { FaultKind, FaultRule } from './fault-types.js';

export type FaultAnswer = { type: 'error'; error: AckError } | { type: 'non-json'; status: number };

const SERVICE_UNAVAILABLE = 'The request has failed due to a temporary failure of the server.';

export function serviceUnavailable(rule: FaultRule): AckError {
  return new AckError(rule.status ?? 503, rule.code ?? 'ServiceUnavailable', rule.message ?? SERVICE_UNAVAILABLE);
}

function throttled(rule: FaultRule): AckError {
  const headers: Record<string, string> =
    rule.retryAfterMs === undefined ? {} : { 'x-acs-retry-after': String(rule.retryAfterMs) };
  return new AckError(
    rule.status ?? 400,
    rule.code ?? 'Throttling.User',
    rule.message ?? 'Request was denied due to user flow control.',
    headers,
  );
}

const QUOTA_MESSAGE = 'The quota "nodes per cluster" is exceeded; request a higher quota in Quota Center.';

const REFUSALS: Partial<Record<FaultKind, (rule: FaultRule) => AckError>> = {
  throttle: throttled,
  unavailable: serviceUnavailable,
  error: (rule) => new AckError(rule.status ?? 400, rule.code ?? 'InjectedError', rule.message ?? 'injected error'),
  quota: (rule) => new AckError(rule.status ?? 400, rule.code ?? 'QuotaExceeded.Nodes', rule.message ?? QUOTA_MESSAGE),
};

/** The refusal that replaces the call's answer, or undefined for faults that act after the call (slow, lost-response). */
export function refusalFor(rule: FaultRule): FaultAnswer | undefined {
  if (rule.kind === 'non-json') {
    return { type: 'non-json', status: rule.status ?? 502 };
  }
  const refuse = REFUSALS[rule.kind];
  return refuse === undefined ? undefined : { type: 'error', error: refuse(rule) };
}

export const NON_JSON_BODY = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
