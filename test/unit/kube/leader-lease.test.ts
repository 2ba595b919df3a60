import { ApiException, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { expect } from 'chai';
import { FakeClock } from '../../../src/kube/fake-clock.js';
import { LeaderElector } from '../../../src/kube/leader-lease.js';
import { flush, silentLogger } from './helpers.js';
import { RecordingLeaderMetrics } from './recording-metrics.js';

function status(code: number, reason: string): ApiException<string> {
  return new ApiException(code, reason, JSON.stringify({ kind: 'Status', code, reason }), {});
}

/** One Lease with the API server's optimistic concurrency; calls can be made to hang. */
class FakeLeaseApi {
  lease: V1Lease | undefined;
  private version = 0;
  hang = false;
  private readonly hanging: ((err: Error) => void)[] = [];

  /** Ends every hanging call the way a client request timeout would. */
  timeOutHangingCalls(): void {
    this.hang = false;
    for (const reject of this.hanging.splice(0)) reject(new DOMException('request timed out', 'TimeoutError'));
  }

  private wait<T>(result: () => T): Promise<T> {
    if (this.hang) return new Promise<T>((_resolve, reject) => { this.hanging.push(reject); });
    return new Promise<T>((resolve) => { resolve(structuredClone(result())); });
  }

  readNamespacedLease(): Promise<V1Lease> {
    return this.wait(() => {
      if (!this.lease) throw status(404, 'NotFound');
      return this.lease;
    });
  }

  createNamespacedLease(param: { body: V1Lease }): Promise<V1Lease> {
    return this.wait(() => {
      if (this.lease) throw status(409, 'AlreadyExists');
      return this.store(param.body);
    });
  }

  replaceNamespacedLease(param: { body: V1Lease }): Promise<V1Lease> {
    return this.wait(() => {
      if (param.body.metadata?.resourceVersion !== this.lease?.metadata?.resourceVersion) throw status(409, 'Conflict');
      return this.store(param.body);
    });
  }

  private store(body: V1Lease): V1Lease {
    this.lease = JSON.parse(JSON.stringify({ ...body, metadata: { ...body.metadata, resourceVersion: String(++this.version) } })) as V1Lease;
    return this.lease;
  }
}

describe('LeaderElector (with a fake Lease API and a fake clock)', () => {
  let clock: FakeClock;
  let api: FakeLeaseApi;
  const electors: LeaderElector[] = [];

  function elector(identity: string, log: string[] = [], metrics?: RecordingLeaderMetrics): LeaderElector {
    const e = new LeaderElector({
      ...(metrics ? { metrics } : {}),
      coordination: api as unknown as CoordinationV1Api,
      namespace: 'ns',
      name: 'lock',
      identity,
      logger: silentLogger(),
      clock,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      onStartedLeading: () => log.push('started'),
      onStoppedLeading: () => log.push('stopped'),
    });
    electors.push(e);
    return e;
  }

  async function tick(ms: number): Promise<void> {
    clock.advance(ms);
    await flush();
  }

  beforeEach(() => {
    clock = new FakeClock();
    api = new FakeLeaseApi();
  });

  afterEach(async () => {
    api.timeOutHangingCalls();
    await Promise.all(electors.splice(0).map((e) => e.stop()));
  });

  it('reports leader_election_master_status for the lease: 0 from the start while standing by, 1 while leading, 0 after', async () => {
    const aMetrics = new RecordingLeaderMetrics();
    const bMetrics = new RecordingLeaderMetrics();
    const a = elector('a', [], aMetrics);
    const b = elector('b', [], bMetrics);
    a.start();
    await flush();
    b.start();
    await tick(2_400);
    expect(aMetrics.states).to.deep.equal([{ name: 'lock', leading: false }, { name: 'lock', leading: true }]);
    expect(bMetrics.states).to.deep.equal([{ name: 'lock', leading: false }]);
    await a.stop();
    expect(aMetrics.states.at(-1)).to.deep.equal({ name: 'lock', leading: false });
    await tick(2_400);
    expect(bMetrics.states.at(-1)).to.deep.equal({ name: 'lock', leading: true });
  });

  it('creates and takes a missing lease, writing a microsecond renewTime', async () => {
    const log: string[] = [];
    const a = elector('a', log);
    a.start();
    await flush();
    expect(log).to.deep.equal(['started']);
    expect(a.isLeaderNow()).to.equal(true);
    expect(api.lease?.spec).to.include({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 1 });
    expect(String(api.lease?.spec?.renewTime)).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(a.leader()).to.equal('a');
  });

  it('a second elector stands by while the leader renews, and takes over at once when it releases on stop', async () => {
    const a = elector('a');
    const bLog: string[] = [];
    const b = elector('b', bLog);
    a.start();
    await flush();
    b.start();
    for (let i = 0; i < 20; i++) await tick(1_000);
    expect(a.isLeaderNow()).to.equal(true);
    expect(b.isLeading()).to.equal(false);
    expect(b.leader()).to.equal('a');

    await a.stop();
    expect(api.lease?.spec?.holderIdentity).to.equal('');
    await tick(2_400);
    expect(bLog).to.deep.equal(['started']);
    expect(api.lease?.spec).to.include({ holderIdentity: 'b', leaseTransitions: 2 });
  });

  it('takes over the expired lease of a holder that vanished without releasing, and not before it expired', async () => {
    const renewedAt = clock.now();
    api.lease = {
      metadata: { name: 'lock', namespace: 'ns', resourceVersion: '1' },
      spec: { holderIdentity: 'crashed', renewTime: new Date(renewedAt), leaseDurationSeconds: 15, leaseTransitions: 4 },
    };
    const b = elector('b');
    b.start();
    await flush();
    while (clock.now() <= renewedAt + 15_000) {
      expect(b.isLeading()).to.equal(false);
      await tick(500);
    }
    await tick(2_400);
    expect(b.isLeaderNow()).to.equal(true);
    expect(api.lease.spec).to.include({ holderIdentity: 'b', leaseTransitions: 5 });
  });

  it('fences by the clock: isLeaderNow turns false while a renew hangs, and leadership ends at the renew deadline', async () => {
    const log: string[] = [];
    const a = elector('a', log);
    a.start();
    await flush();
    const acquiredAt = clock.now();
    api.hang = true;
    await tick(2_000);
    expect(a.isLeaderNow()).to.equal(true);
    await tick(acquiredAt + 10_000 - clock.now() - 1);
    expect(a.isLeaderNow()).to.equal(true);
    expect(log).to.deep.equal(['started']);
    await tick(1);
    expect(a.isLeaderNow()).to.equal(false);
    expect(log).to.deep.equal(['started', 'stopped']);
  });

  it('stops leading as soon as it sees another holder on the lease', async () => {
    const log: string[] = [];
    const a = elector('a', log);
    a.start();
    await flush();
    const lease = api.lease!;
    lease.spec = { ...lease.spec, holderIdentity: 'intruder', renewTime: new Date(clock.now()) };
    lease.metadata = { ...lease.metadata, resourceVersion: '999' };
    await tick(2_000);
    await tick(2_400);
    expect(log).to.deep.equal(['started', 'stopped']);
    expect(a.isLeaderNow()).to.equal(false);
    expect(a.leader()).to.equal('intruder');
  });
});
