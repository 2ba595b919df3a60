// Two controller processes on one Lease: only the leader ever talks to ACK, and when the leader is
// SIGKILLed (it cannot release the lease) the other one takes over once the lease expires and
// converges a change made meanwhile, without a single node bought twice.
import { CoordinationV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { ControllerProcess } from '../../chaos/controller-process.js';
import { testbed } from '../../support/testbed.js';
import { baseSpec, eventually } from '../controller/fixture.js';
import { readyWith, scenarioPerTest } from './fixture.js';

/** Cloud calls a process made, from its own metrics (every action, every outcome). */
async function cloudCalls(child: ControllerProcess): Promise<number> {
  const text = await (await fetch(await child.metricsUrl())).text();
  return text.split('\n')
    .filter((line) => line.startsWith('sandbox_capacity_cloud_api_duration_seconds_count'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

function leaderOf(children: readonly ControllerProcess[]): ControllerProcess | undefined {
  const leaders = children.filter((c) => c.logged('became leader').length > 0);
  return leaders.length === 1 ? leaders[0] : undefined;
}

describe('controller processes: leader election', function () {
  this.timeout(300_000);
  const start = scenarioPerTest();

  it('only the leader calls the cloud; after the leader is SIGKILLed the other takes over and converges a replicas increase', async () => {
    const scenario = await start();
    const lease = { namespace: scenario.ns, id: `sco-${randomBytes(3).toString('hex')}` };
    const a = scenario.spawn('replica-a', { leaderElection: lease, metrics: true });
    const b = scenario.spawn('replica-b', { leaderElection: lease, metrics: true });
    const leader = await eventually('one replica to lead', () => Promise.resolve(leaderOf([a, b])));
    const standby = leader === a ? b : a;
    await standby.waitForLog('caches synced', (e) => e.message === 'caches synced');

    await scenario.apply(baseSpec(scenario.clusterId, 2));
    await readyWith(scenario, 2);
    const callsSoFar = scenario.sim.control.requests().length;
    expect(await cloudCalls(standby), 'cloud calls by the standby').to.equal(0);
    expect(await cloudCalls(leader), 'cloud calls by the leader').to.equal(callsSoFar);
    expect(standby.logged('calling ScaleOutCluster')).to.have.length(0);
    expect(standby.logged('became leader')).to.have.length(0);

    await leader.kill();
    const killedAt = Date.now();
    const seqAtKill = scenario.sim.control.requests().at(-1)?.seq ?? 0;
    await scenario.setReplicas(4);
    const tookOver = await standby.waitForLog('"became leader"', (e) => e.message === 'became leader', 120_000);
    console.log(`    take-over ${((Date.parse(String(tookOver.timestamp)) - killedAt) / 1000).toFixed(1)} s after the SIGKILL (lease duration 15 s)`);
    await readyWith(scenario, 4);

    expect(scenario.requestedNodes(), 'nodes requested from ACK in total').to.equal(4);
    const calledAfterKill = scenario.sim.control.requests({ since: seqAtKill });
    expect(calledAfterKill.filter((r) => r.action === 'ScaleOutCluster').map((r) => Number((r.body as { count?: number }).count)).reduce((x, y) => x + y, 0)).to.equal(2);
    expect(await cloudCalls(standby), 'every cloud call since the kill came from the new leader').to.equal(calledAfterKill.length);
    const tookOverAt = Date.parse(String(tookOver.timestamp));
    for (const call of standby.logged('calling ScaleOutCluster')) {
      expect(Date.parse(String(call.timestamp)), 'the new leader calls only after acquiring the lease').to.be.at.least(tookOverAt);
    }
    const held = await testbed().kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: lease.id, namespace: lease.namespace });
    expect(held.spec?.holderIdentity).to.equal(standby.identity);
    expect(await scenario.liveNodeCount()).to.equal(4);
  });
});
