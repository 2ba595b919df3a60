// Per-resource backoff, kept in status (consecutiveFailures, nextRetryTime) so it survives restarts.
//
// Delay after the n-th consecutive failure (n ≥ 1), with r = random() in [0, 1):
//   base(n)  = min(backoff.max, backoff.initial · 2^(n−1))
//   delay(n) = backoff.initial + r · (base(n) − backoff.initial)
// i.e. "full jitter" over [initial, base(n)]: never below initial, never above max.
// Throttling uses the same formula with max lowered to min(backoff.max, THROTTLE_MAX_BACKOFF_MS), and
// never less than ACK's retry-after. Cluster busy waits initial + r · initial (capped at max) without counting
// a failure. A stall (quota, permission, invalid request…) waits exactly backoff.max.
// A failure observed while nextRetryTime is still in the future changes nothing (no compounding).
import type { SandboxCapacityStatus } from '../../api/sandbox-capacity.js';
import { THROTTLE_MAX_BACKOFF_MS } from './constants.js';
import type { BackoffSettings } from './settings.js';
import { parseTimestamp, toTimestampCeil } from './time.js';
import type { Random } from './types.js';

export type DelayPolicy =
  | { kind: 'exponential' }
  | { kind: 'throttled'; retryAfterMs?: number }
  | { kind: 'busy' }
  | { kind: 'stall' };

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
export function registerFailure(
  status: SandboxCapacityStatus,
  policy: DelayPolicy,
  backoff: BackoffSettings,
  nowMs: number,
  random: Random,
): FailureRegistration {
  if (isBackingOff(status, nowMs) && policy.kind !== 'stall') return { status };
  const failures = (status.consecutiveFailures ?? 0) + (countsAsFailure(policy) ? 1 : 0);
  const delayMs = delayFor(policy, Math.max(1, failures), backoff, random);
  return {
    status: { ...status, consecutiveFailures: failures, nextRetryTime: toTimestampCeil(nowMs + delayMs) },
    delayMs,
  };
}

/** A success: the next failure starts the schedule again. */
export function resetFailures(status: SandboxCapacityStatus): SandboxCapacityStatus {
  return { ...status, consecutiveFailures: 0, nextRetryTime: null };
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 : value;
}
