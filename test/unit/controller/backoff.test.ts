import { expect } from 'chai';
import { delayFor, exponentialDelayMs, isBackingOff, registerFailure, resetFailures, THROTTLE_MAX_BACKOFF_MS } from '../../../src/controller/core/failures.js';
import { SECOND, T0, constantRandom, iso } from './helpers.js';

const BACKOFF = { initialMs: 10 * SECOND, maxMs: 600 * SECOND };

describe('controller/core backoff', () => {
  describe('exponential schedule with full jitter, never below initial', () => {
    const upperBounds = [10, 20, 40, 80, 160, 320, 600, 600, 600].map((s) => s * SECOND);
    upperBounds.forEach((upper, index) => {
      const n = index + 1;
      it(`failure ${n}: delay within [initial, ${upper / SECOND}s]`, () => {
        expect(exponentialDelayMs(n, BACKOFF, constantRandom(0))).to.equal(BACKOFF.initialMs);
        expect(exponentialDelayMs(n, BACKOFF, constantRandom(0.999999))).to.be.closeTo(upper, 1);
        const middle = exponentialDelayMs(n, BACKOFF, constantRandom(0.5));
        expect(middle).to.be.within(BACKOFF.initialMs, upper);
      });
    });

    it('jitter is uniform over the range (r = 0.25 lands a quarter of the way)', () => {
      expect(exponentialDelayMs(3, BACKOFF, constantRandom(0.25))).to.equal(10 * SECOND + 0.25 * 30 * SECOND);
    });

    it('a random source out of range is clamped', () => {
      expect(exponentialDelayMs(3, BACKOFF, constantRandom(-3))).to.equal(BACKOFF.initialMs);
      expect(exponentialDelayMs(3, BACKOFF, constantRandom(7))).to.equal(40 * SECOND);
      expect(exponentialDelayMs(3, BACKOFF, constantRandom(Number.NaN))).to.equal(BACKOFF.initialMs);
    });

    it('huge failure counts stay at max without overflow', () => {
      expect(exponentialDelayMs(10_000, BACKOFF, constantRandom(0.999999))).to.be.closeTo(BACKOFF.maxMs, 1);
    });
  });

  describe('policies', () => {
    it('throttled: short schedule capped at the throttle max', () => {
      expect(delayFor({ kind: 'throttled' }, 20, BACKOFF, constantRandom(0.999999))).to.be.closeTo(THROTTLE_MAX_BACKOFF_MS, 1);
    });

    it('throttled: honours retry-after when longer than the jittered delay', () => {
      expect(delayFor({ kind: 'throttled', retryAfterMs: 45 * SECOND }, 1, BACKOFF, constantRandom(0))).to.equal(45 * SECOND);
    });

    it('throttled: retry-after never beyond backoff.max', () => {
      expect(delayFor({ kind: 'throttled', retryAfterMs: 3_600 * SECOND }, 1, BACKOFF, constantRandom(0))).to.equal(BACKOFF.maxMs);
    });

    it('busy: between initial and twice initial', () => {
      expect(delayFor({ kind: 'busy' }, 7, BACKOFF, constantRandom(0))).to.equal(10 * SECOND);
      expect(delayFor({ kind: 'busy' }, 7, BACKOFF, constantRandom(0.5))).to.equal(15 * SECOND);
    });

    it('stall: exactly backoff.max', () => {
      expect(delayFor({ kind: 'stall' }, 1, BACKOFF, constantRandom(0.3))).to.equal(BACKOFF.maxMs);
    });
  });

  describe('registering failures', () => {
    it('first failure: count 1, nextRetryTime = now + initial', () => {
      const result = registerFailure({}, { kind: 'exponential' }, BACKOFF, T0, constantRandom(0.5));
      expect(result.status.consecutiveFailures).to.equal(1);
      expect(result.status.nextRetryTime).to.equal(iso(T0 + 10 * SECOND));
      expect(result.delayMs).to.equal(10 * SECOND);
    });

    it('third failure uses the third step of the schedule', () => {
      const result = registerFailure({ consecutiveFailures: 2, nextRetryTime: iso(T0 - SECOND) }, { kind: 'exponential' }, BACKOFF, T0, constantRandom(0.5));
      expect(result.status.consecutiveFailures).to.equal(3);
      expect(result.delayMs).to.equal(25 * SECOND);
    });

    it('does not compound: a failure while already backed off changes nothing', () => {
      const status = { consecutiveFailures: 2, nextRetryTime: iso(T0 + 5 * SECOND) };
      const result = registerFailure(status, { kind: 'exponential' }, BACKOFF, T0, constantRandom(0.5));
      expect(result.status).to.deep.equal(status);
      expect(result.delayMs).to.equal(undefined);
    });

    it('cluster busy does not count as a failure', () => {
      const result = registerFailure({ consecutiveFailures: 2 }, { kind: 'busy' }, BACKOFF, T0, constantRandom(0));
      expect(result.status.consecutiveFailures).to.equal(2);
      expect(result.status.nextRetryTime).to.equal(iso(T0 + 10 * SECOND));
    });

    it('nextRetryTime is rounded up to the second, never early', () => {
      const result = registerFailure({}, { kind: 'exponential' }, { initialMs: 1_500, maxMs: 1_500 }, T0, constantRandom(0));
      expect(result.status.nextRetryTime).to.equal(iso(T0 + 2 * SECOND));
    });

    it('reset clears the count and the retry time', () => {
      expect(resetFailures({ consecutiveFailures: 4, nextRetryTime: iso(T0) })).to.include({ consecutiveFailures: 0, nextRetryTime: null });
    });

    it('isBackingOff only while nextRetryTime is in the future', () => {
      expect(isBackingOff({ nextRetryTime: iso(T0 + SECOND) }, T0)).to.equal(true);
      expect(isBackingOff({ nextRetryTime: iso(T0) }, T0)).to.equal(false);
      expect(isBackingOff({ nextRetryTime: null }, T0)).to.equal(false);
      expect(isBackingOff({}, T0)).to.equal(false);
    });
  });
});
