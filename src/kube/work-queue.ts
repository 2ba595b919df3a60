// A keyed work queue with client-go's guarantees: a key waits in the queue at most once however
// often it is added (dedup), is handed to at most one worker at a time (a key re-added while being
// processed is marked dirty and handed out again after done()), can be added after a delay (the
// earliest pending time wins) and can be requeued through a rate limiter.
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { createControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions {
  clock?: Clock;
  /** Defaults to createControllerRateLimiter(clock). */
  rateLimiter?: RateLimiter;
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

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.rateLimiter = options.rateLimiter ?? createControllerRateLimiter(this.clock);
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.ready.push(key);
    this.handOut();
  }

  /** Adds the key once delayMs has passed; if it is already waiting to be added earlier, that time stays. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
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
    for (const getter of this.getters.splice(0)) getter(undefined);
  }

  private handOut(): void {
    while (this.getters.length > 0 && this.ready.length > 0) {
      const key = this.ready.shift() as string;
      const getter = this.getters.shift() as Getter;
      this.dirty.delete(key);
      this.processing.add(key);
      getter(key);
    }
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
