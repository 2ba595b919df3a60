// Leader election on a coordination.k8s.io/v1 Lease (client-node has no helper). One elector
// holds the lease and renews it every retryPeriod; a renew that keeps failing for renewDeadline
// ends leadership. Writes use the lease's resourceVersion, so of two electors racing for a free
// lease exactly one wins (the other gets 409). isLeaderNow() is the fence the controller checks
// right before each cloud call: it turns false by the clock alone, even while a renew hangs.
import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import { V1MicroTime } from '@kubernetes/client-node/dist/types.js';
import type { Logger } from 'winston';
import { describeApiError, isAlreadyExists, isConflict, isNotFound } from './api-errors.js';
import { sleep, systemClock, type Clock, type TimerHandle } from './clock.js';
import {
  canTakeLease,
  claimRecord,
  leadershipValidUntil,
  releaseRecord,
  toLeaseDurationSeconds,
  validateTimings,
  type LeaseRecord,
} from './lease-math.js';

/** What an elector reports; see observability/leader-metrics.ts (client-go's leader_election_master_status). */
export interface LeaderElectionMetrics {
  /** Whether this elector now leads the lease called `name`. */
  leading(name: string, isLeader: boolean): void;
}

export interface LeaderElectionOptions {
  coordination: CoordinationV1Api;
  namespace: string;
  name: string;
  /** Unique per process (e.g. pod name + random suffix). */
  identity: string;
  logger: Logger;
  clock?: Clock;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Subtracted from the lease when judging isLeaderNow(); default leaseDuration − renewDeadline. */
  safetyMarginMs?: number;
  /** May be called again after a later re-acquisition. */
  onStartedLeading?: () => void;
  onStoppedLeading?: () => void;
  onNewLeader?: (identity: string) => void;
  metrics?: LeaderElectionMetrics;
}

type Attempt = 'claimed' | 'heldByOther' | 'failed';

function toMs(time: Date | string | undefined): number | undefined {
  if (time === undefined) return undefined;
  const ms = new Date(time).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

function recordOf(lease: V1Lease | undefined): LeaseRecord {
  const spec = lease?.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity,
    acquireTimeMs: toMs(spec.acquireTime),
    renewTimeMs: toMs(spec.renewTime),
    leaseDurationSeconds: spec.leaseDurationSeconds,
    leaseTransitions: spec.leaseTransitions,
  };
}

function leaseBody(base: V1Lease | undefined, name: string, namespace: string, record: LeaseRecord): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { ...(base?.metadata ?? {}), name, namespace },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      leaseTransitions: record.leaseTransitions,
      ...(record.acquireTimeMs !== undefined ? { acquireTime: new V1MicroTime(record.acquireTimeMs) } : {}),
      ...(record.renewTimeMs !== undefined ? { renewTime: new V1MicroTime(record.renewTimeMs) } : {}),
    },
  };
}

export class LeaderElector {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly safetyMarginMs: number;
  private leading = false;
  private lastRenewSentAt = 0;
  /** The lease as we last wrote it, while we hold it: renewals replace it without reading first. */
  private ownLease: V1Lease | undefined;
  private observedLeader: string | undefined;
  private deadlineTimer: TimerHandle | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly stopSignal = new AbortController();

  constructor(private readonly options: LeaderElectionOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ lease: `${options.namespace}/${options.name}`, identity: options.identity });
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.safetyMarginMs = options.safetyMarginMs ?? this.leaseDurationMs - this.renewDeadlineMs;
    validateTimings({
      leaseDurationMs: this.leaseDurationMs,
      renewDeadlineMs: this.renewDeadlineMs,
      retryPeriodMs: this.retryPeriodMs,
      safetyMarginMs: this.safetyMarginMs,
    });
  }

  start(): void {
    if (this.running || this.stopped) return;
    this.options.metrics?.leading(this.options.name, false);
    this.running = this.run();
  }

  /** Stops electing; if leading, stops leading first and then releases the lease for others. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopSignal.abort();
    await this.running;
    if (!this.leading) return;
    this.stopLeading('stopping');
    await this.release();
  }

  /** True only while the lease we last renewed cannot have expired yet (minus the safety margin). */
  isLeaderNow(): boolean {
    return this.leading && this.clock.now() < leadershipValidUntil(this.lastRenewSentAt, this.leaseDurationMs, this.safetyMarginMs);
  }

  /** Whether this elector considers itself leader (state), regardless of the fencing clock. */
  isLeading(): boolean {
    return this.leading;
  }

  /** The holder last seen on the lease (maybe us), for logs and status. */
  leader(): string | undefined {
    return this.observedLeader;
  }

  private async run(): Promise<void> {
    while (!this.isStopped()) {
      const attempt = await this.tryClaim();
      if (this.isStopped()) return;
      this.afterAttempt(attempt);
      const jitter = this.leading ? 0 : Math.random() * 0.2 * this.retryPeriodMs;
      await sleep(this.clock, this.retryPeriodMs + jitter, this.stopSignal.signal);
    }
  }

  /** A method, not a field read, so the loop re-reads it after each await. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private afterAttempt(attempt: Attempt): void {
    if (attempt === 'claimed' && !this.leading) this.startLeading();
    else if (attempt === 'heldByOther' && this.leading) this.stopLeading('another elector holds the lease');
  }

  private startLeading(): void {
    this.leading = true;
    this.options.metrics?.leading(this.options.name, true);
    this.logger.info('became leader');
    this.armDeadline();
    this.callback('onStartedLeading', this.options.onStartedLeading);
  }

  private stopLeading(reason: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.deadlineTimer?.cancel();
    this.deadlineTimer = undefined;
    this.ownLease = undefined;
    this.options.metrics?.leading(this.options.name, false);
    this.logger.warn('stopped leading', { reason });
    this.callback('onStoppedLeading', this.options.onStoppedLeading);
  }

  /** Leadership ends renewDeadline after the last successful renew, even if a request hangs. */
  private armDeadline(): void {
    this.deadlineTimer?.cancel();
    const dueIn = this.lastRenewSentAt + this.renewDeadlineMs - this.clock.now();
    this.deadlineTimer = this.clock.setTimer(() => { this.stopLeading('failed to renew within the renew deadline'); }, dueIn);
  }

  private async tryClaim(): Promise<Attempt> {
    const sentAt = this.clock.now();
    try {
      const current = this.ownLease ?? (await this.readLease());
      const record = recordOf(current);
      this.noteLeader(record.holderIdentity);
      if (!canTakeLease(record, this.options.identity, sentAt)) return 'heldByOther';
      const body = leaseBody(current, this.options.name, this.options.namespace, claimRecord(record, this.options.identity, sentAt, toLeaseDurationSeconds(this.leaseDurationMs)));
      this.ownLease = current ? await this.replaceLease(body) : await this.createLease(body);
      this.noteLeader(this.options.identity);
      this.lastRenewSentAt = sentAt;
      if (this.leading) this.armDeadline();
      return 'claimed';
    } catch (err) {
      this.ownLease = undefined;
      const lostRace = isConflict(err) || isAlreadyExists(err);
      this.logger.log(lostRace || !this.leading ? 'debug' : 'warn', 'lease claim failed', { error: describeApiError(err) });
      return 'failed';
    }
  }

  private async readLease(): Promise<V1Lease | undefined> {
    try {
      return await this.options.coordination.readNamespacedLease({ name: this.options.name, namespace: this.options.namespace });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private createLease(body: V1Lease): Promise<V1Lease> {
    return this.options.coordination.createNamespacedLease({ namespace: this.options.namespace, body });
  }

  private replaceLease(body: V1Lease): Promise<V1Lease> {
    return this.options.coordination.replaceNamespacedLease({ name: this.options.name, namespace: this.options.namespace, body });
  }

  private async release(): Promise<void> {
    try {
      const current = await this.readLease();
      const record = recordOf(current);
      if (!current || record.holderIdentity !== this.options.identity) return;
      await this.replaceLease(leaseBody(current, this.options.name, this.options.namespace, releaseRecord(record, this.clock.now())));
      this.logger.info('released the lease');
    } catch (err) {
      this.logger.warn('could not release the lease; others take over once it expires', { error: describeApiError(err) });
    }
  }

  private noteLeader(identity: string | undefined): void {
    if (!identity || identity === this.observedLeader) return;
    this.observedLeader = identity;
    this.logger.info('new leader observed', { leader: identity });
    const onNewLeader = this.options.onNewLeader;
    if (onNewLeader) this.callback('onNewLeader', () => { onNewLeader(identity); });
  }

  private callback(name: string, fn: (() => void) | undefined): void {
    try {
      fn?.();
    } catch (err) {
      this.logger.error('leader election callback threw', { callback: name, error: String(err) });
    }
  }
}
