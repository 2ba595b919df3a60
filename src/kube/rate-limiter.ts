// When may a failed key be retried? Per-key exponential backoff protects against one bad object
// hot-looping; a global token bucket protects the API servers (and the cloud) from many keys
// failing at once. The work queue takes the larger of the two, like client-go's default.
import type { Clock } from './clock.js';

export interface RateLimiter {
  /** Delay before the key may be processed again; also records one more requeue of it. */
  when(key: string): number;
  /** Clears the key's failure history (call after it was processed successfully). */
  forget(key: string): void;
  numRequeues(key: string): number;
}

export interface ExponentialBackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_EXPONENTIAL_BACKOFF: Readonly<ExponentialBackoffOptions> = Object.freeze({
  baseDelayMs: 5,
  maxDelayMs: 1_000_000,
});

/** base · 2^(failures so far), capped at max. */
export class ItemExponentialRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  constructor(private readonly options: ExponentialBackoffOptions = DEFAULT_EXPONENTIAL_BACKOFF) {}

  when(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const delay = this.options.baseDelayMs * 2 ** failures;
    return Number.isFinite(delay) ? Math.min(delay, this.options.maxDelayMs) : this.options.maxDelayMs;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

export interface TokenBucketOptions {
  /** Tokens added per second. */
  qps: number;
  /** Bucket size: how many requeues may happen at once before qps applies. */
  burst: number;
}

export const DEFAULT_TOKEN_BUCKET: Readonly<TokenBucketOptions> = Object.freeze({ qps: 10, burst: 100 });

/**
 * A token bucket shared by all keys. Each when() reserves a token; when the bucket is empty the
 * reservation is in the future and the delay says how far, so requeues queue up at qps.
 */
export class TokenBucketRateLimiter implements RateLimiter {
  private tokens: number;
  private lastRefill: number;

  constructor(private readonly clock: Clock, private readonly options: TokenBucketOptions = DEFAULT_TOKEN_BUCKET) {
    if (options.qps <= 0 || options.burst < 1) throw new RangeError('token bucket needs qps > 0 and burst >= 1');
    this.tokens = options.burst;
    this.lastRefill = clock.now();
  }

  when(): number {
    const now = this.clock.now();
    const refilled = ((now - this.lastRefill) / 1000) * this.options.qps;
    this.tokens = Math.min(this.options.burst, this.tokens + refilled);
    this.lastRefill = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.options.qps) * 1000);
  }

  forget(): void {
    // The bucket is global: one key's success does not give tokens back.
  }

  numRequeues(): number {
    return 0;
  }
}

/** The most restrictive of several limiters. */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(key: string): number {
    return this.limiters.reduce((delay, limiter) => Math.max(delay, limiter.when(key)), 0);
  }

  forget(key: string): void {
    for (const limiter of this.limiters) limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.limiters.reduce((n, limiter) => Math.max(n, limiter.numRequeues(key)), 0);
  }
}

export interface ControllerRateLimiterOptions {
  backoff?: Partial<ExponentialBackoffOptions>;
  bucket?: Partial<TokenBucketOptions>;
}

/** client-go's DefaultControllerRateLimiter: max(5 ms · 2^n capped at 1000 s, 10 qps / burst 100). */
export function createControllerRateLimiter(clock: Clock, options: ControllerRateLimiterOptions = {}): RateLimiter {
  return new MaxOfRateLimiter(
    new ItemExponentialRateLimiter({ ...DEFAULT_EXPONENTIAL_BACKOFF, ...options.backoff }),
    new TokenBucketRateLimiter(clock, { ...DEFAULT_TOKEN_BUCKET, ...options.bucket }),
  );
}
