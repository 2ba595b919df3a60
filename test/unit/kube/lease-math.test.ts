import { expect } from 'chai';
import {
  canTakeLease,
  claimRecord,
  isLeaseFree,
  leadershipValidUntil,
  leaseExpiresAt,
  releaseRecord,
  toLeaseDurationSeconds,
  validateTimings,
} from '../../../src/kube/lease-math.js';

const T = 1_000_000;

describe('lease math', () => {
  it('a lease expires leaseDurationSeconds after its renewTime', () => {
    expect(leaseExpiresAt({ holderIdentity: 'a', renewTimeMs: T, leaseDurationSeconds: 15 })).to.equal(T + 15_000);
    expect(leaseExpiresAt({ holderIdentity: 'a', leaseDurationSeconds: 15 })).to.equal(undefined);
  });

  const freeCases: [string, Parameters<typeof isLeaseFree>[0], number, boolean][] = [
    ['no holder', { renewTimeMs: T, leaseDurationSeconds: 15 }, T, true],
    ['empty holder (released)', { holderIdentity: '', renewTimeMs: T, leaseDurationSeconds: 1 }, T, true],
    ['held, within the duration', { holderIdentity: 'a', renewTimeMs: T, leaseDurationSeconds: 15 }, T + 14_999, false],
    ['held, exactly at expiry', { holderIdentity: 'a', renewTimeMs: T, leaseDurationSeconds: 15 }, T + 15_000, false],
    ['held, expired', { holderIdentity: 'a', renewTimeMs: T, leaseDurationSeconds: 15 }, T + 15_001, true],
    ['holder without renewTime', { holderIdentity: 'a', leaseDurationSeconds: 15 }, T, true],
  ];
  for (const [name, record, now, free] of freeCases) {
    it(`isLeaseFree: ${name} → ${free}`, () => { expect(isLeaseFree(record, now)).to.equal(free); });
  }

  it('we may take a lease we hold even if it looks expired, and never one another holder renewed in time', () => {
    expect(canTakeLease({ holderIdentity: 'me', renewTimeMs: T, leaseDurationSeconds: 15 }, 'me', T + 60_000)).to.equal(true);
    expect(canTakeLease({ holderIdentity: 'other', renewTimeMs: T, leaseDurationSeconds: 15 }, 'me', T + 1)).to.equal(false);
  });

  it('a renewal keeps acquireTime and transitions; a takeover resets acquireTime and counts a transition', () => {
    const held = { holderIdentity: 'me', acquireTimeMs: T, renewTimeMs: T + 2_000, leaseDurationSeconds: 15, leaseTransitions: 3 };
    expect(claimRecord(held, 'me', T + 4_000, 15)).to.deep.equal({
      holderIdentity: 'me', acquireTimeMs: T, renewTimeMs: T + 4_000, leaseDurationSeconds: 15, leaseTransitions: 3,
    });
    expect(claimRecord(held, 'other', T + 30_000, 10)).to.deep.equal({
      holderIdentity: 'other', acquireTimeMs: T + 30_000, renewTimeMs: T + 30_000, leaseDurationSeconds: 10, leaseTransitions: 4,
    });
    expect(claimRecord({}, 'first', T, 15).leaseTransitions).to.equal(1);
  });

  it('a released lease has no holder and is free for others at once', () => {
    const released = releaseRecord({ holderIdentity: 'me', renewTimeMs: T, leaseDurationSeconds: 15, leaseTransitions: 2 }, T + 1_000);
    expect(released.holderIdentity).to.equal('');
    expect(released.leaseTransitions).to.equal(2);
    expect(canTakeLease(released, 'other', T + 1_000)).to.equal(true);
  });

  it('leadership is valid until the renew was sent + lease duration − margin', () => {
    expect(leadershipValidUntil(T, 15_000, 5_000)).to.equal(T + 10_000);
  });

  it('rounds lease durations up to whole seconds, at least 1', () => {
    expect([toLeaseDurationSeconds(15_000), toLeaseDurationSeconds(1_500), toLeaseDurationSeconds(200)]).to.deep.equal([15, 2, 1]);
  });

  it('refuses timings where the lease could expire before the leader notices', () => {
    const ok = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, safetyMarginMs: 5_000 };
    expect(() => { validateTimings(ok); }).to.not.throw();
    expect(() => { validateTimings({ ...ok, renewDeadlineMs: 15_000 }); }).to.throw(RangeError, /renewDeadline/);
    expect(() => { validateTimings({ ...ok, retryPeriodMs: 10_000 }); }).to.throw(RangeError, /retryPeriod/);
    expect(() => { validateTimings({ ...ok, safetyMarginMs: 15_000 }); }).to.throw(RangeError, /safetyMargin/);
  });
});
