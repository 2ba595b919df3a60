// Several vSwitches: each request targets one, chosen so zones stay balanced; the learned
// vSwitch→zone pairs are kept in status so balancing survives history pruning and restarts.
import { expect } from 'chai';
import { baseSpec, startScenario, type Scenario } from './fixture.js';
import { clusterNodes, readyWith, scaleOutAttempts } from './observe.js';

describe('controller: multi-AZ spread', function () {
  this.timeout(150_000);
  let s: Scenario;
  afterEach(async () => { await s.close(); });

  it('spreads new nodes so every zone gets its share, one vSwitch per request', async () => {
    s = await startScenario();
    await s.startOperator();
    const spec = baseSpec(s.clusterId, 6);
    spec.scaleOut = { ...(spec.scaleOut as object), vswitchIds: ['vsw-aaa', 'vsw-bbb', 'vsw-ccc'] };
    await s.apply(spec);
    const done = await readyWith(s, 6);
    for (const attempt of scaleOutAttempts(s)) expect(attempt.count).to.be.at.most(6);
    const perZone: Record<string, number> = {};
    for (const n of await clusterNodes(s)) {
      const zone = n.metadata?.labels?.['topology.kubernetes.io/zone'] ?? '?';
      perZone[zone] = (perZone[zone] ?? 0) + 1;
    }
    expect(perZone).to.deep.equal({ 'cn-hangzhou-h': 2, 'cn-hangzhou-i': 2, 'cn-hangzhou-j': 2 });
    expect(done.status?.vswitchZones).to.deep.equal({ 'vsw-aaa': 'cn-hangzhou-h', 'vsw-bbb': 'cn-hangzhou-i', 'vsw-ccc': 'cn-hangzhou-j' });
    const bodies = s.sim.control.requests({ action: 'ScaleOutCluster' }).map((r) => (r.body as { vswitch_ids: string[] }).vswitch_ids);
    for (const ids of bodies) expect(ids).to.have.length(1);
  });
});
