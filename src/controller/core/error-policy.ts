// What the controller does about each kind of cloud error (one table, see the brief in cloud/errors.ts):
//   throttled      → failed request, short backoff with jitter, at least retry-after; counts as a failure
//   transient      → failed request, exponential backoff; counts
//   capacity       → failed request, exponential backoff, ScaleOutFailed Event; counts
//   clusterBusy    → failed request, wait initial..2·initial; NOT a failure (the request was fine, the
//                    cluster was scaling/upgrading), so consecutiveFailures is unchanged
//   quota, invalidRequest, permission, auth, notFound
//                  → Stalled with ACK's code and message; no retry until the generation changes or
//                    backoff.max passes; counts
//   unknownOutcome → the intent stays Requesting and is recovered from the cluster's task list
import type { CloudErrorInfo, CloudErrorKind } from '../../cloud/errors.js';
import type { DelayPolicy } from './backoff.js';
import { Reason } from './reasons.js';

const STALL_REASONS: Partial<Record<CloudErrorKind, Reason>> = {
  quota: Reason.QuotaExceeded,
  invalidRequest: Reason.InvalidRequest,
  permission: Reason.PermissionDenied,
  auth: Reason.AuthenticationFailed,
  notFound: Reason.ClusterNotFound,
};

/** Condition reason of a stall caused by this kind, or undefined when the kind does not stall. */
export function stallReasonFor(kind: CloudErrorKind): Reason | undefined {
  return STALL_REASONS[kind];
}

export function delayPolicyFor(info: CloudErrorInfo): DelayPolicy {
  switch (info.kind) {
    case 'throttled':
      return info.retryAfterMs === undefined ? { kind: 'throttled' } : { kind: 'throttled', retryAfterMs: info.retryAfterMs };
    case 'clusterBusy':
      return { kind: 'busy' };
    default:
      return stallReasonFor(info.kind) === undefined ? { kind: 'exponential' } : { kind: 'stall' };
  }
}

/** "Throttling.User: Request was denied due to user flow control." */
export function describeCloudError(info: CloudErrorInfo): string {
  return info.message === '' || info.message.startsWith(info.code) ? info.message || info.code : `${info.code}: ${info.message}`;
}
