// The rules of leader election on a coordination.k8s.io Lease, as pure functions of the lease
// record, our identity and the time, so they are tested without an API server or real time.

export interface LeaseRecord {
  holderIdentity?: string;
  /** Epoch ms. */
  acquireTimeMs?: number;
  /** Epoch ms. */
  renewTimeMs?: number;
  leaseDurationSeconds?: number;
  leaseTransitions?: number;
}

/** When the holder's claim runs out; undefined when the record makes no claim that can be timed. */
export function leaseExpiresAt(record: LeaseRecord): number | undefined {
  if (record.renewTimeMs === undefined || record.leaseDurationSeconds === undefined) return undefined;
  return record.renewTimeMs + record.leaseDurationSeconds * 1000;
}

/**
 * Nobody holds the lease: no holder, or the holder's renewTime + leaseDurationSeconds has passed.
 * Compares the holder's wall clock with ours; electors' clocks must agree to well within the
 * safety margin (NTP), as with client-go.
 */
export function isLeaseFree(record: LeaseRecord, nowMs: number): boolean {
  if (!record.holderIdentity) return true;
  const expiresAt = leaseExpiresAt(record);
  return expiresAt === undefined || expiresAt < nowMs;
}

/** We may write our claim: it is ours already, or free. */
export function canTakeLease(record: LeaseRecord, identity: string, nowMs: number): boolean {
  return record.holderIdentity === identity || isLeaseFree(record, nowMs);
}

/** The record that claims (or renews) the lease for identity at nowMs. */
export function claimRecord(record: LeaseRecord, identity: string, nowMs: number, leaseDurationSeconds: number): LeaseRecord {
  const renewing = record.holderIdentity === identity;
  return {
    holderIdentity: identity,
    acquireTimeMs: renewing ? (record.acquireTimeMs ?? nowMs) : nowMs,
    renewTimeMs: nowMs,
    leaseDurationSeconds,
    leaseTransitions: (record.leaseTransitions ?? 0) + (renewing ? 0 : 1),
  };
}

/** What a leader writes when it steps down, so that another elector can take over at once. */
export function releaseRecord(record: LeaseRecord, nowMs: number): LeaseRecord {
  return {
    holderIdentity: '',
    acquireTimeMs: nowMs,
    renewTimeMs: nowMs,
    leaseDurationSeconds: 1,
    leaseTransitions: record.leaseTransitions ?? 0,
  };
}

/** Lease durations are whole seconds on the wire; never round a claim down. */
export function toLeaseDurationSeconds(leaseDurationMs: number): number {
  return Math.max(1, Math.ceil(leaseDurationMs / 1000));
}

/**
 * Until when we may act as leader: the lease we last renewed, counted from the moment the renew
 * request was sent (the server may have stamped it later, never earlier), minus a safety margin
 * for clock drift and for the time between this check and the action it guards.
 */
export function leadershipValidUntil(lastRenewSentAtMs: number, leaseDurationMs: number, safetyMarginMs: number): number {
  return lastRenewSentAtMs + leaseDurationMs - safetyMarginMs;
}

export interface LeaderElectionTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  safetyMarginMs: number;
}

/** client-go's rule: leaseDuration > renewDeadline > retryPeriod; the margin fits in the lease. */
export function validateTimings(timings: LeaderElectionTimings): void {
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs, safetyMarginMs } = timings;
  if (!(leaseDurationMs > renewDeadlineMs)) throw new RangeError('leaseDuration must be greater than renewDeadline');
  if (!(renewDeadlineMs > retryPeriodMs && retryPeriodMs > 0)) throw new RangeError('renewDeadline must be greater than retryPeriod (> 0)');
  if (!(safetyMarginMs >= 0 && safetyMarginMs < leaseDurationMs)) throw new RangeError('safetyMargin must be within [0, leaseDuration)');
}
