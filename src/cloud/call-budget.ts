// The global budget of cloud calls per second shared by every resource (flags --cloud-qps and
// --cloud-burst): a token bucket on the injected clock. A call waits for its token; a token in
// hand goes straight on, because the call right after an intent write is the latency path.
//
// When calls queue for tokens, a request (ScaleOutCluster: a resource short of nodes) goes before
// every read (polls, task-list reads, lookups): 500 resources polling their tasks would otherwise
// keep a new shortfall waiting behind thousands of polls. Within each kind, first come, first
// served, so no resource waits behind one that came later. Reads are never starved for good: once
// no request is waiting they take every token.
import type { Clock, TimerHandle } from '../kube/clock.js';

/** What a call is for: requests buy nodes and go first; reads follow what was bought. */
export type CallKind = 'request' | 'read';

export interface CallBudget {
  /** Resolves when the next cloud call may be made (a read, unless told otherwise). */
  acquire(kind?: CallKind): Promise<void>;
}

export class TokenBucketCallBudget implements CallBudget {
  private readonly qps: number;
  private readonly burst: number;
  private tokens: number;
  private refilledAt: number;
  private readonly waiting: Record<CallKind, (() => void)[]> = { request: [], read: [] };
  private timer: TimerHandle | undefined;

  constructor(private readonly clock: Clock, limits: { qps: number; burst: number }) {
    this.qps = Math.max(0.1, limits.qps);
    this.burst = Math.max(1, limits.burst);
    this.tokens = this.burst;
    this.refilledAt = clock.now();
  }

  acquire(kind: CallKind = 'read'): Promise<void> {
    this.refill();
    if (this.queued() === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    const granted = new Promise<void>((resolve) => { this.waiting[kind].push(resolve); });
    this.schedule();
    return granted;
  }

  /** Calls waiting for a token, by kind (a metric, and for tests). */
  waitingCalls(): Record<CallKind, number> {
    return { request: this.waiting.request.length, read: this.waiting.read.length };
  }

  private queued(): number {
    return this.waiting.request.length + this.waiting.read.length;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.qps);
    this.refilledAt = now;
  }

  /** Hands out the tokens there are, requests first, and sets a timer for the next one if calls still wait. */
  private grant(): void {
    this.timer = undefined;
    this.refill();
    while (this.tokens >= 1) {
      const next = this.waiting.request.shift() ?? this.waiting.read.shift();
      if (next === undefined) break;
      this.tokens -= 1;
      next();
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.queued() === 0) return;
    const delayMs = Math.max(0, Math.ceil(((1 - this.tokens) / this.qps) * 1000));
    this.timer = this.clock.setTimer(() => { this.grant(); }, delayMs);
  }
}
