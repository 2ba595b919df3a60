import { expect } from 'chai';
import { createKubeClients } from '../../../src/kube/clients.js';
import { LeaderElector, type LeaderElectionOptions } from '../../../src/kube/leader-lease.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';
import { delay, kubeConfigWithServer, silentLogger, startTcpProxy, waitFor } from './helpers.js';

// Short timings so hand-overs take seconds: lease 3 s, renew deadline 2 s, retry 250 ms.
const TIMINGS = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 250 };

describe('LeaderElector (against a real API server)', () => {
  const electors: LeaderElector[] = [];

  function elector(identity: string, namespace: string, log: string[], overrides: Partial<LeaderElectionOptions> = {}): LeaderElector {
    const e = new LeaderElector({
      coordination: createKubeClients(testbed().kubeConfig, { requestTimeoutMs: 1_000 }).coordination,
      namespace,
      name: 'sandbox-capacity-operator',
      identity,
      logger: silentLogger(),
      ...TIMINGS,
      onStartedLeading: () => log.push(`${identity} started`),
      onStoppedLeading: () => log.push(`${identity} stopped`),
      ...overrides,
    });
    electors.push(e);
    e.start();
    return e;
  }

  /** Samples both electors until `until` holds, failing if both ever claim to be leader at once. */
  async function watchForSplitBrain(a: LeaderElector, b: LeaderElector, until: () => boolean, timeoutMs: number): Promise<void> {
    await waitFor('the expected leadership', () => {
      expect(a.isLeaderNow() && b.isLeaderNow(), 'both electors lead at the same time').to.equal(false);
      return until();
    }, timeoutMs, 20);
  }

  /** Samples both electors for a while, failing if both ever claim to be leader at once. */
  async function assertNoSplitBrainFor(a: LeaderElector, b: LeaderElector, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      expect(a.isLeaderNow() && b.isLeaderNow(), 'both electors lead at the same time').to.equal(false);
      await delay(20);
    }
  }

  afterEach(async () => { await Promise.all(electors.splice(0).map((e) => e.stop())); });

  it('lets exactly one of two electors lead, and hands over promptly when the leader stops', async () => {
    const ns = await createTestNamespace('lease');
    const log: string[] = [];
    const a = elector('a', ns, log);
    const b = elector('b', ns, log);
    await watchForSplitBrain(a, b, () => a.isLeaderNow() || b.isLeaderNow(), 10_000);
    await delay(1_500);
    const [leader, follower] = a.isLeaderNow() ? [a, b] : [b, a];
    expect(leader.isLeaderNow()).to.equal(true);
    expect(follower.isLeading()).to.equal(false);
    expect(log).to.have.length(1);

    const stoppedAt = Date.now();
    await leader.stop();
    expect(leader.isLeaderNow()).to.equal(false);
    await waitFor('the follower to take over', () => follower.isLeaderNow(), 5_000, 20);
    // Released, not expired: well within one lease duration (3 s).
    expect(Date.now() - stoppedAt).to.be.below(TIMINGS.leaseDurationMs);
    expect(log.slice(1)).to.deep.equal([`${leader === a ? 'a' : 'b'} stopped`, `${follower === a ? 'a' : 'b'} started`]);

    const lease = await createKubeClients(testbed().kubeConfig).coordination.readNamespacedLease({ name: 'sandbox-capacity-operator', namespace: ns });
    expect(lease.spec?.holderIdentity).to.equal(follower === a ? 'a' : 'b');
    expect(lease.spec?.leaseTransitions).to.equal(2);
  });

  it('fences a leader that loses the API server: isLeaderNow turns false before anyone else can lead', async () => {
    const ns = await createTestNamespace('lease');
    const tb = testbed();
    const proxy = await startTcpProxy(new URL(tb.kubeConfig.getCurrentCluster()!.server));
    const log: string[] = [];
    const isolated = elector('isolated', ns, log, {
      coordination: createKubeClients(kubeConfigWithServer(tb.kubeConfig, proxy.url), { requestTimeoutMs: 500 }).coordination,
    });
    await waitFor('the isolated elector to lead', () => isolated.isLeaderNow(), 10_000);
    const standby = elector('standby', ns, log);
    await delay(1_000);
    expect(standby.isLeading()).to.equal(false);

    await proxy.cut();
    const cutAt = Date.now();
    await watchForSplitBrain(isolated, standby, () => !isolated.isLeaderNow(), 5_000);
    expect(Date.now() - cutAt).to.be.at.most(TIMINGS.renewDeadlineMs + 500);
    await watchForSplitBrain(isolated, standby, () => standby.isLeaderNow(), 10_000);
    expect(log).to.deep.equal(['isolated started', 'isolated stopped', 'standby started']);
  });

  it('never hands a held lease to a newcomer while the holder keeps renewing', async () => {
    const ns = await createTestNamespace('lease');
    const log: string[] = [];
    const first = elector('first', ns, log);
    await waitFor('the first elector to lead', () => first.isLeaderNow(), 10_000);
    const second = elector('second', ns, log);
    await assertNoSplitBrainFor(first, second, 2 * TIMINGS.leaseDurationMs);
    expect(first.isLeaderNow()).to.equal(true);
    expect(second.leader()).to.equal('first');
    expect(log).to.deep.equal(['first started']);
  });
});
