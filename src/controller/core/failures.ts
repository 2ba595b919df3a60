// What the controller does about a failure, in one table, and the backoff and stalls that follow.
//
// ERROR_POLICY (one row per kind of cloud error, cloud/ack-api.ts):
//   throttled      → retry after a short backoff with jitter, at least retry-after; counts as a failure
//   transient      → retry after the exponential backoff; counts
//   capacity       → retry after the exponential backoff; counts (the ScaleOutFailed Event says why)
//   clusterBusy    → wait initial..2·initial; NOT a failure (the request was fine, the cluster was
//                    scaling or upgrading), so consecutiveFailures is unchanged
//   quota, invalidRequest, permission, auth, notFound
//                  → Stalled with ACK's code and message; no retry until the generation changes or
//                    backoff.max passes; counts
//   unknownOutcome → no backoff: the request's outcome is recovered from ACK's own records first
//
// Backoff, kept in status (consecutiveFailures, nextRetryTime) so it survives restarts. Delay after the
// n-th consecutive failure (n ≥ 1), with r = random() in [0, 1):
//   base(n)  = min(backoff.max, backoff.initial · 2^(n−1))
//   delay(n) = backoff.initial + r · (base(n) − backoff.initial)
// i.e. "full jitter" over [initial, base(n)]: never below initial, never above max. Throttling uses the
// same formula with max lowered to min(backoff.max, THROTTLE_MAX_BACKOFF_MS) and never less than ACK's
// retry-after. Cluster busy waits initial + r · initial (capped at max). A stall waits exactly
// backoff.max. A failure observed while nextRetryTime is still in the future changes nothing (no
// compounding), except a stall, which always sets its own deadline.
//
// A cloud stall is remembered through the Stalled condition itself: status True, a reason from
// CLOUD_STALL_REASONS, observedGeneration = the generation the refused request was made for. It holds
// while that generation is current and nextRetryTime is in the future. Lifted at once by a spec change,
// by a new value of the annotation capacity.sandbox.dev/retry-requested-at (retry now, without editing
// the spec), and — for AuthenticationFailed / PermissionDenied — by a new resourceVersion of the
// credentials Secret, which is re-read every CREDENTIALS_RECHECK_MS while such a stall holds.
import { RETRY_ANNOTATION, type SandboxCapacity, type SandboxCapacityStatus } from '../../api/sandbox-capacity.js';
import type { CloudErrorInfo, CloudErrorKind } from '../../cloud/ack-api.js';
import { findCondition } from './conditions.js';
import { ConditionType, Reason } from './reasons.js';
import type { BackoffSettings } from './settings.js';
import { parseTimestamp, toTimestampCeil } from './time.js';
import type { Blocked, Random } from './types.js';

/** While stalled on credentials, their Secret is re-read this often (a GET; no Secret watch needed). */
export const CREDENTIALS_RECHECK_MS = 30_000;
/** Stalls a new AccessKey (or a RAM fix that comes with one) can lift. */
export const CREDENTIAL_STALLS: ReadonlySet<string> = new Set([Reason.AuthenticationFailed, Reason.PermissionDenied]);

/** Throttling backs off on the normal schedule but never longer than this (unless retry-after says so). */
export const THROTTLE_MAX_BACKOFF_MS = 60_000;

export type DelayKind = 'exponential' | 'throttled' | 'busy' | 'stall';

export interface ErrorPolicy {
  /** Absent for unknownOutcome: the outcome is recovered before anything else happens. */
  delay?: DelayKind;
  /** The Stalled reason of kinds that need a human rather than time. */
  stall?: Reason;
}

export const ERROR_POLICY: Readonly<Record<CloudErrorKind, ErrorPolicy>> = {
  throttled: { delay: 'throttled' },
  transient: { delay: 'exponential' },
  capacity: { delay: 'exponential' },
  clusterBusy: { delay: 'busy' },
  quota: { delay: 'stall', stall: Reason.QuotaExceeded },
  invalidRequest: { delay: 'stall', stall: Reason.InvalidRequest },
  permission: { delay: 'stall', stall: Reason.PermissionDenied },
  auth: { delay: 'stall', stall: Reason.AuthenticationFailed },
  notFound: { delay: 'stall', stall: Reason.ClusterNotFound },
  unknownOutcome: {},
};

/** Stall reasons set from a cloud refusal; lifted when the generation changes or nextRetryTime passes. */
export const CLOUD_STALL_REASONS: ReadonlySet<string> = new Set(
  Object.values(ERROR_POLICY).flatMap((policy) => (policy.stall === undefined ? [] : [policy.stall])),
);

export type DelayPolicy = { kind: 'exponential' } | { kind: 'throttled'; retryAfterMs?: number } | { kind: 'busy' } | { kind: 'stall' };

/** Condition reason of a stall caused by this error, or undefined when it does not stall. */
export function stallReasonFor(info: Pick<CloudErrorInfo, 'kind'>): Reason | undefined {
  return ERROR_POLICY[info.kind].stall;
}

export function delayPolicyFor(info: CloudErrorInfo): DelayPolicy {
  const kind = ERROR_POLICY[info.kind].delay ?? 'exponential';
  if (kind === 'throttled') return info.retryAfterMs === undefined ? { kind } : { kind, retryAfterMs: info.retryAfterMs };
  return { kind };
}

/** "Throttling.User: Request was denied due to user flow control." */
export function describeCloudError(info: CloudErrorInfo): string {
  return info.message === '' || info.message.startsWith(info.code) ? info.message || info.code : `${info.code}: ${info.message}`;
}

/**
 * A read (poll, task list) refused for a reason that needs a human becomes a Blocked; others are
 * retried. Refused credentials say where they came from (`credentials`: credentialsOf the resource).
 */
export function toBlocked(info: CloudErrorInfo, action: string, credentials?: string): Blocked | undefined {
  const reason = stallReasonFor(info);
  if (reason === undefined) return undefined;
  const from = credentials !== undefined && CREDENTIAL_STALLS.has(reason) ? ` (${credentials}; retried within 30 s of a change to it)` : '';
  return { reason, message: `${action} refused: ${describeCloudError(info)}${from}` };
}

// ---- Backoff ---------------------------------------------------------------------------------

export function exponentialDelayMs(failures: number, backoff: BackoffSettings, random: Random): number {
  const exponent = Math.max(0, Math.min(failures, 64) - 1);
  const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** exponent);
  const spread = Math.max(0, base - backoff.initialMs);
  return backoff.initialMs + clampUnit(random()) * spread;
}

/** The delay a policy prescribes for the given (already incremented) failure count. */
export function delayFor(policy: DelayPolicy, failures: number, backoff: BackoffSettings, random: Random): number {
  switch (policy.kind) {
    case 'exponential':
      return exponentialDelayMs(failures, backoff, random);
    case 'throttled': {
      const short = { initialMs: backoff.initialMs, maxMs: Math.max(backoff.initialMs, Math.min(backoff.maxMs, THROTTLE_MAX_BACKOFF_MS)) };
      return Math.min(backoff.maxMs, Math.max(policy.retryAfterMs ?? 0, exponentialDelayMs(failures, short, random)));
    }
    case 'busy':
      return Math.min(backoff.maxMs, backoff.initialMs + clampUnit(random()) * backoff.initialMs);
    case 'stall':
      return backoff.maxMs;
  }
}

/** Whether this policy counts as a consecutive failure (cluster busy does not: the request was fine). */
export function countsAsFailure(policy: DelayPolicy): boolean {
  return policy.kind !== 'busy';
}

export function isBackingOff(status: SandboxCapacityStatus, nowMs: number): boolean {
  const next = parseTimestamp(status.nextRetryTime);
  return next !== undefined && next > nowMs;
}

export interface FailureRegistration {
  status: SandboxCapacityStatus;
  /** Delay applied; undefined when already backed off (nothing changed). */
  delayMs?: number;
}

/** Records one failure: bumps the count (unless the policy says otherwise) and sets nextRetryTime. */
export function registerFailure(status: SandboxCapacityStatus, policy: DelayPolicy, backoff: BackoffSettings, nowMs: number, random: Random): FailureRegistration {
  if (isBackingOff(status, nowMs) && policy.kind !== 'stall') return { status };
  const failures = (status.consecutiveFailures ?? 0) + (countsAsFailure(policy) ? 1 : 0);
  const delayMs = delayFor(policy, Math.max(1, failures), backoff, random);
  return { status: { ...status, consecutiveFailures: failures, nextRetryTime: toTimestampCeil(nowMs + delayMs) }, delayMs };
}

/** A success: the next failure starts the schedule again. */
export function resetFailures(status: SandboxCapacityStatus): SandboxCapacityStatus {
  return { ...status, consecutiveFailures: 0, nextRetryTime: null };
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 : value;
}

// ---- Stalls ----------------------------------------------------------------------------------

export interface CloudStall {
  reason: string;
  message: string;
}

function recordedStall(status: SandboxCapacityStatus): (CloudStall & { generation?: number }) | undefined {
  const stalled = findCondition(status.conditions, ConditionType.Stalled);
  if (stalled?.status !== 'True' || !CLOUD_STALL_REASONS.has(stalled.reason)) return undefined;
  const stall = { reason: stalled.reason, message: stalled.message };
  return stalled.observedGeneration === undefined ? stall : { ...stall, generation: stalled.observedGeneration };
}

/** The stall still in force, if any. */
export function activeCloudStall(status: SandboxCapacityStatus, generation: number, nowMs: number): CloudStall | undefined {
  const stall = recordedStall(status);
  if (stall?.generation !== generation || !isBackingOff(status, nowMs)) return undefined;
  return { reason: stall.reason, message: stall.message };
}

/** True when a recorded cloud stall belongs to an older generation: the spec changed, retry now. */
export function isStallLiftedBySpecChange(status: SandboxCapacityStatus, generation: number): boolean {
  const stall = recordedStall(status);
  return stall !== undefined && stall.generation !== generation;
}

/** The retry annotation carries a value not acted on yet: retry now, whatever holds. */
export function retryRequested(capacity: SandboxCapacity): boolean {
  const value = capacity.metadata.annotations?.[RETRY_ANNOTATION];
  return value !== undefined && value !== capacity.status?.lastRetryRequest;
}

/** A credentials stall, and the Secret it was about has changed since (a fixed AccessKey). */
export function credentialsChanged(status: SandboxCapacityStatus, currentVersion: string | undefined): boolean {
  const stall = recordedStall(status);
  if (stall === undefined || !CREDENTIAL_STALLS.has(stall.reason)) return false;
  return currentVersion !== undefined && status.credentialsVersion !== undefined && currentVersion !== status.credentialsVersion;
}

/** The resource is stalled on its credentials: the shell re-reads their Secret every CREDENTIALS_RECHECK_MS. */
export function stalledOnCredentials(status: SandboxCapacityStatus | undefined): boolean {
  const stall = status === undefined ? undefined : recordedStall(status);
  return stall !== undefined && CREDENTIAL_STALLS.has(stall.reason);
}

/** Where the resource's AccessKey comes from, for messages about refused credentials. */
export function credentialsOf(capacity: SandboxCapacity): string {
  const ref = capacity.spec.credentials?.secretRef;
  return ref === undefined ? 'the default credential chain (environment, RRSA, ECS RAM role)' : `the AccessKey of spec.credentials.secretRef ${capacity.metadata.namespace}/${ref.name}`;
}

// ---- Messages shared by the planner and the outcome folds ------------------------------------
// A status written right after a cloud call and the status the next plan derives must say the same
// thing (no churn, no spurious condition transitions), so both take their wording from here.

export function backoffMessage(reason: string, nextRetryTime: string, failures: number, lastFailure: string | undefined): string {
  if (reason === Reason.ClusterBusy) return `cluster busy, retrying after ${nextRetryTime}${lastFailure === undefined ? '' : `: ${lastFailure}`}`;
  const cause = lastFailure === undefined ? '' : `; last: ${lastFailure}`;
  return `retrying after ${nextRetryTime} (${failures} consecutive failures${cause})`;
}

export function stallMessage(cause: string, nextRetryTime: string, credentials?: string): string {
  const secret = credentials?.startsWith('the AccessKey of') === true ? ', within 30 s of a change to that Secret' : '';
  return `${cause}; retried when the spec changes${secret}, when annotated ${RETRY_ANNOTATION}=<now>, or at ${nextRetryTime}`;
}
