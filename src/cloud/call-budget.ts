// The global budget of cloud calls per second shared by every resource (flags --cloud-qps and
// --cloud-burst): a token bucket on the injected clock. A call waits for its token; a token in
// hand goes straight on, because the call right after an intent write is the latency path.
import type { Clock } from '../kube/clock.js';
import { TokenBucketRateLimiter } from '../kube/rate-limiter.js';

export interface CallBudget {
  /** Resolves when the next cloud call may be made. */
  acquire(): Promise<void>;
}

export class TokenBucketCallBudget implements CallBudget {
  private readonly bucket: TokenBucketRateLimiter;

  constructor(private readonly clock: Clock, limits: { qps: number; burst: number }) {
    this.bucket = new TokenBucketRateLimiter(clock, { qps: Math.max(0.1, limits.qps), burst: Math.max(1, limits.burst) });
  }

  acquire(): Promise<void> {
    const delayMs = this.bucket.when();
    return delayMs <= 0 ? Promise.resolve() : new Promise((resolve) => { this.clock.setTimer(resolve, delayMs); });
  }
}
