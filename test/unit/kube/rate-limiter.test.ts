import { expect } from 'chai';
import { FakeClock } from '../../../src/kube/fake-clock.js';
import {
  createControllerRateLimiter,
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  TokenBucketRateLimiter,
} from '../../../src/kube/rate-limiter.js';

describe('rate limiters', () => {
  describe('ItemExponentialRateLimiter', () => {
    it('doubles the delay per failure up to the maximum', () => {
      const limiter = new ItemExponentialRateLimiter({ baseDelayMs: 10, maxDelayMs: 50 });
      expect([1, 2, 3, 4, 5].map(() => limiter.when('k'))).to.deep.equal([10, 20, 40, 50, 50]);
    });

    it('keeps per-key histories and forgets one key without touching the others', () => {
      const limiter = new ItemExponentialRateLimiter({ baseDelayMs: 1, maxDelayMs: 1000 });
      limiter.when('a');
      limiter.when('a');
      limiter.when('b');
      limiter.forget('a');
      expect(limiter.numRequeues('a')).to.equal(0);
      expect(limiter.numRequeues('b')).to.equal(1);
      expect(limiter.when('a')).to.equal(1);
    });

    it('stays at the maximum after very many failures (no overflow to Infinity or NaN)', () => {
      const limiter = new ItemExponentialRateLimiter({ baseDelayMs: 5, maxDelayMs: 1_000_000 });
      let delay = 0;
      for (let i = 0; i < 2000; i++) delay = limiter.when('k');
      expect(delay).to.equal(1_000_000);
    });
  });

  describe('TokenBucketRateLimiter', () => {
    it('allows a burst, then spaces requests at qps, and refills over time', () => {
      const clock = new FakeClock();
      const bucket = new TokenBucketRateLimiter(clock, { qps: 2, burst: 3 });
      expect([bucket.when(), bucket.when(), bucket.when(), bucket.when(), bucket.when()]).to.deep.equal([0, 0, 0, 500, 1000]);
      clock.advance(10_000);
      expect(bucket.when()).to.equal(0);
    });

    it('rejects a bucket that could never refill', () => {
      expect(() => new TokenBucketRateLimiter(new FakeClock(), { qps: 0, burst: 1 })).to.throw(RangeError);
    });
  });

  it('MaxOfRateLimiter takes the longest delay and forgets in all limiters', () => {
    const a = new ItemExponentialRateLimiter({ baseDelayMs: 1, maxDelayMs: 100 });
    const b = new ItemExponentialRateLimiter({ baseDelayMs: 7, maxDelayMs: 100 });
    const max = new MaxOfRateLimiter(a, b);
    expect(max.when('k')).to.equal(7);
    expect(max.numRequeues('k')).to.equal(1);
    max.forget('k');
    expect(a.numRequeues('k') + b.numRequeues('k')).to.equal(0);
  });

  it('the controller default starts at 5 ms and is capped by the given maximum', () => {
    const limiter = createControllerRateLimiter(new FakeClock(), { backoff: { maxDelayMs: 12 } });
    expect([limiter.when('k'), limiter.when('k'), limiter.when('k')]).to.deep.equal([5, 10, 12]);
  });
});
