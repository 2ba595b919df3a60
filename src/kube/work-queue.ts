// A keyed work queue with client-go's guarantees: a key waits in the queue at most once however
// often it is added (dedup), is handed to at most one worker at a time (a key re-added while being
// processed is marked dirty and handed out again after done()), can be added after a delay (the
// earliest pending time wins) and can be requeued through a rate limiter. It reports what
// client-go's workqueue reports (depth, adds, retries, queue and work durations, work in progress)
// to an optional WorkQueueMetrics; without one it records nothing.
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { createControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

/** Work handed out and not yet done(), at one instant. */
export interface InProgressWork {
  /** Sum over keys being processed of how long each has been. */
  unfinishedSeconds: number;
  /** How long the oldest of them has been (0 when none). */
  longestSeconds: number;
}

/** What a work queue reports, with client-go's meaning of each; see observability/workqueue-metrics.ts. */
export interface WorkQueueMetrics {
  /** A key entered the queue (an add() of a key already waiting is not counted: dedup). */
  added(): void;
  /** Keys waiting to be processed, including keys re-added while being processed. */
  depth(keys: number): void;
  /** addAfter() or addRateLimited() was called: client-go counts every delayed add as a retry. */
  retried(): void;
  /** Seconds from a key entering the queue to a worker taking it. */
  queued(seconds: number): void;
  /** Seconds from a worker taking a key to done(). */
  worked(seconds: number): void;
  /** Registers how to read the work in progress (read when metrics are collected). */
  watchInProgress(read: () => InProgressWork): void;
}

export interface WorkQueueOptions {
  clock?: Clock;
  /** Defaults to createControllerRateLimiter(clock). */
  rateLimiter?: RateLimiter;
  metrics?: WorkQueueMetrics;
}

type Getter = (key: string | undefined) => void;

export class WorkQueue {
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;
  /** Keys ready to be handed out, in order; invariant: in `ready` ⇔ dirty and not processing. */
  private readonly ready: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  /** Delayed keys and the time each becomes ready. */
  private readonly delayed = new Map<string, number>();
  private delayTimer: { handle: TimerHandle; dueAt: number } | undefined;
  private readonly getters: Getter[] = [];
  private shuttingDown = false;
  private readonly metrics: WorkQueueMetrics | undefined;
  /** When each dirty key entered the queue (queue duration). */
  private readonly addedAt = new Map<string, number>();
  /** When each key being processed was handed out (work duration, work in progress). */
  private readonly startedAt = new Map<string, number>();

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.rateLimiter = options.rateLimiter ?? createControllerRateLimiter(this.clock);
    this.metrics = options.metrics;
    this.metrics?.watchInProgress(() => this.inProgress());
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.metrics) {
      this.metrics.added();
      this.metrics.depth(this.dirty.size);
      this.addedAt.set(key, this.clock.now());
    }
    if (this.processing.has(key)) return;
    this.ready.push(key);
    this.handOut();
  }

  /** Adds the key once delayMs has passed; if it is already waiting to be added earlier, that time stays. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    this.metrics?.retried();
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.clock.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending !== undefined && pending <= readyAt) return;
    this.delayed.set(key, readyAt);
    this.scheduleDelayed();
  }

  /** Adds the key after the rate limiter's delay for it (which also counts one more requeue). */
  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Resets the key's backoff: call when it was processed successfully. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  /**
   * The next key to process, waiting until there is one; undefined once the queue is shut down
   * (keys still queued then are not handed out: shutting down means stop taking work).
   * Every key returned must be passed to done() when processing ends.
   */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.getters.push(resolve);
      this.handOut();
    });
  }

  /** Marks the key as no longer processed; if it was re-added meanwhile, it is queued again now. */
  done(key: string): void {
    if (!this.processing.delete(key)) return;
    const startedAt = this.startedAt.get(key);
    this.startedAt.delete(key);
    if (startedAt !== undefined) this.metrics?.worked(this.secondsSince(startedAt));
    if (this.dirty.has(key) && !this.shuttingDown) {
      this.ready.push(key);
      this.handOut();
    }
  }

  /** Keys ready and waiting for a worker (the queue-depth metric); delayed keys are not counted. */
  length(): number {
    return this.ready.length;
  }

  /** Keys waiting for their delay to pass. */
  delayedLength(): number {
    return this.delayed.size;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops handing out keys: pending and future get() calls resolve with undefined. */
  shutDown(): void {
    this.shuttingDown = true;
    this.delayTimer?.handle.cancel();
    this.delayTimer = undefined;
    this.delayed.clear();
    // Keys still waiting are never handed out now: the queue is empty as far as anyone can tell.
    this.addedAt.clear();
    this.metrics?.depth(0);
    for (const getter of this.getters.splice(0)) getter(undefined);
  }

  /** Work handed out and not yet done() (tracked only with metrics). */
  private inProgress(): InProgressWork {
    let unfinishedSeconds = 0;
    let longestSeconds = 0;
    for (const startedAt of this.startedAt.values()) {
      const seconds = this.secondsSince(startedAt);
      unfinishedSeconds += seconds;
      longestSeconds = Math.max(longestSeconds, seconds);
    }
    return { unfinishedSeconds, longestSeconds };
  }

  private handOut(): void {
    while (this.getters.length > 0 && this.ready.length > 0) {
      const key = this.ready.shift() as string;
      const getter = this.getters.shift() as Getter;
      this.dirty.delete(key);
      this.processing.add(key);
      if (this.metrics) this.noteHandedOut(key, this.metrics);
      getter(key);
    }
  }

  private noteHandedOut(key: string, metrics: WorkQueueMetrics): void {
    const now = this.clock.now();
    const addedAt = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (addedAt !== undefined) metrics.queued((now - addedAt) / 1000);
    this.startedAt.set(key, now);
    metrics.depth(this.dirty.size);
  }

  private secondsSince(ms: number): number {
    return Math.max(0, this.clock.now() - ms) / 1000;
  }

  private scheduleDelayed(): void {
    let earliest = Infinity;
    for (const readyAt of this.delayed.values()) earliest = Math.min(earliest, readyAt);
    if (earliest === Infinity) return;
    if (this.delayTimer && this.delayTimer.dueAt <= earliest) return;
    this.delayTimer?.handle.cancel();
    const handle = this.clock.setTimer(() => { this.releaseDueKeys(); }, earliest - this.clock.now());
    this.delayTimer = { handle, dueAt: earliest };
  }

  private releaseDueKeys(): void {
    this.delayTimer = undefined;
    const now = this.clock.now();
    for (const [key, readyAt] of this.delayed) {
      if (readyAt > now) continue;
      this.delayed.delete(key);
      this.add(key);
    }
    this.scheduleDelayed();
  }
}
