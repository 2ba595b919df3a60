import { expect } from 'chai';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { baseSpec, condition, eventually, startScenario, type Scenario } from './fixture.js';
import { desiredSizeOf, POOL, poolSpec, poolWrites, startPoolScenario } from './node-pool-fixture.js';
import { clusterNodes, eventsWithReason, patchSpec, readyWith, scaleOutAttempts, sleep } from './observe.js';

async function decided(s: Scenario, reason: string): Promise<SandboxCapacity> {
  return eventually(`lastDecision ${reason}`, async () => {
    const sc = await s.get();
    return sc.status?.lastDecision?.reason === reason && sc.status.observedGeneration === sc.metadata.generation ? sc : undefined;
  });
}

describe('controller: reporting without acting (paused, dry run, surplus)', function () {
  this.timeout(120_000);
  let s: Scenario;

  afterEach(async () => { await s.close(); });

  it('paused: calls nothing, reports the counts and the request it would make, resumes when unpaused', async () => {
    s = await startScenario();
    await s.startOperator();
    await s.apply({ ...baseSpec(s.clusterId, 3), paused: true });
    const sc = await decided(s, 'Paused');
    expect(sc.status?.lastDecision).to.include({ action: 'NoOp', count: 3 });
    expect(sc.status?.lastDecision?.message).to.contain('would request 3 nodes');
    expect(sc.status).to.include({ replicas: 0, readyReplicas: 0, inFlightReplicas: 0 });
    expect(condition(sc, 'Reconciling')).to.include({ status: 'False', reason: 'Paused' });
    expect(condition(sc, 'Ready')).to.include({ status: 'False', reason: 'Paused' });
    expect(condition(sc, 'Stalled')?.status).to.equal('False');
    await sleep(3000);
    expect(s.sim.control.requests(), 'no cloud call while paused').to.deep.equal([]);

    await patchSpec(s, { paused: false });
    await readyWith(s, 3);
    expect(scaleOutAttempts(s).map((a) => a.count)).to.deep.equal([3]);
  });

  it('dry run: calls nothing, reports the would-be request in status, an Event and the log', async () => {
    s = await startScenario();
    await s.startOperator(['--dry-run']);
    await s.apply({ ...baseSpec(s.clusterId, 3), limits: { maxNodesPerScaleOut: 2, maxInFlightNodes: 4 } });
    const sc = await decided(s, 'DryRun');
    expect(sc.status?.lastDecision).to.include({ action: 'NoOp', count: 2 });
    expect(sc.status?.lastDecision?.message).to.contain('would request 2 nodes in vsw-aaa');
    expect(sc.status).to.include({ replicas: 0, inFlightReplicas: 0 });
    expect(sc.status?.tasks ?? []).to.deep.equal([]);
    expect(condition(sc, 'Reconciling')).to.include({ status: 'False', reason: 'DryRun' });
    const [event] = await eventually('a DryRun event', async () => {
      const found = await eventsWithReason(s, 'DryRun');
      return found.length > 0 ? found : undefined;
    });
    expect(event?.message).to.contain('would request 2 nodes');
    const logged = s.logs.join('').split('\n').filter((line) => line.includes('dry run')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.some((l) => l.count === 2 && String(l.decision).includes('would request 2 nodes')), 'the would-be request is logged').to.equal(true);
    await sleep(3000);
    expect(s.sim.control.requests(), 'no cloud call in dry run').to.deep.equal([]);
    expect((await eventsWithReason(s, 'DryRun')).map((e) => e.count), 'reported once, not on every reconcile').to.deep.equal([1]);
  });

  it('dry run in node-pool mode: calls no write, and logs ModifyClusterNodePool with the absolute size it would write', async () => {
    s = await startPoolScenario();
    await s.startOperator(['--dry-run']);
    await s.apply(poolSpec(s.clusterId, 3, {}));
    const sc = await decided(s, 'DryRun');
    expect(sc.status?.lastDecision).to.include({ action: 'NoOp', count: 3 });
    const logged = await eventually('the dry run logged', () => {
      const lines = s.logs.join('').split('\n').filter((line) => line.includes('"dry run: would call')).map((line) => JSON.parse(line) as Record<string, unknown>);
      return Promise.resolve(lines.length > 0 ? lines : undefined);
    });
    expect(logged.map((l) => l.message), 'names the call node-pool mode makes').to.deep.equal(['dry run: would call ModifyClusterNodePool']);
    expect(logged[0]).to.include({ nodepoolId: POOL, desiredSize: 3, previousSize: 0, count: 3 });
    await sleep(3000);
    expect(poolWrites(s), 'no ModifyClusterNodePool in dry run').to.deep.equal([]);
    expect(desiredSizeOf(s)).to.equal(0);
  });

  it('surplus: reports it in the Ready condition and an Event, never deletes a node or calls ACK', async () => {
    s = await startScenario();
    await s.startOperator();
    await s.apply(baseSpec(s.clusterId, 3));
    await readyWith(s, 3);
    const before = s.sim.control.requests().length;

    await patchSpec(s, { replicas: 1 });
    const sc = await decided(s, 'SurplusNodes');
    expect(sc.status).to.include({ replicas: 3, readyReplicas: 3, inFlightReplicas: 0 });
    expect(condition(sc, 'Ready')).to.include({ status: 'True', reason: 'SurplusNodes' });
    expect(condition(sc, 'Ready')?.message).to.contain('2 surplus');
    expect(condition(sc, 'Reconciling')?.status).to.equal('False');
    const [event] = await eventually('a SurplusNodes event', async () => {
      const found = await eventsWithReason(s, 'SurplusNodes');
      return found.length > 0 ? found : undefined;
    });
    expect(event?.type).to.equal('Warning');
    expect(event?.message).to.contain('3 nodes match, 1 desired: 2 surplus');

    await sleep(3000);
    const nodes = await clusterNodes(s);
    expect(nodes).to.have.length(3);
    expect(nodes.filter((n) => n.metadata?.deletionTimestamp !== undefined)).to.deep.equal([]);
    expect(s.sim.control.listNodes(s.clusterId)?.every((n) => n.state === 'running')).to.equal(true);
    expect(s.sim.control.requests().length, 'no cloud call about a surplus').to.equal(before);
    expect(scaleOutAttempts(s).map((a) => a.count)).to.deep.equal([3]);
    expect((await eventsWithReason(s, 'SurplusNodes')).map((e) => e.count), 'reported once').to.deep.equal([1]);
  });
});
