// Instances that are delivered but never become matching Nodes keep their place: nothing is bought in
// their stead, the resource says exactly why, and only limits.maxUnjoinedNodes of them may be replaced.
import { expect } from 'chai';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { baseSpec, condition, eventually, startScenario, type Scenario } from './fixture.js';
import { eventsWithReason, nodesInTasks, patchSpec, readyWith, sleep } from './observe.js';

function stalled(sc: SandboxCapacity, reason: string): boolean {
  const c = condition(sc, 'Stalled');
  return c?.status === 'True' && c.reason === reason;
}

async function eventuallyStalled(s: Scenario, reason: string): Promise<SandboxCapacity> {
  return eventually(`Stalled=${reason}`, async () => {
    const sc = await s.get();
    return stalled(sc, reason) ? sc : undefined;
  }, 90_000);
}

describe('controller: instances that never join', function () {
  this.timeout(180_000);
  let s: Scenario;

  afterEach(async () => {
    await s.close();
  });

  it('a nodeSelector the delivered Nodes do not match: buys exactly replicas, names the Node and label, and fixing the selector brings Ready with no purchase', async () => {
    s = await startScenario();
    await s.startOperator();
    const spec = baseSpec(s.clusterId, 2);
    // The nodes carry team=b (the request's tags become Node labels); the selector wants team=a: a one-line mistake.
    await s.apply({
      ...spec,
      nodeSelector: { matchLabels: { ...(spec.nodeSelector as { matchLabels: Record<string, string> }).matchLabels, team: 'a' } },
      scaleOut: { ...(spec.scaleOut as Record<string, unknown>), tags: [{ key: 'team', value: 'b' }] },
      limits: { joinGracePeriod: '2s' },
    });
    const held = await eventuallyStalled(s, 'NodeSelectorMismatch');
    const message = condition(held, 'Stalled')?.message ?? '';
    const nodeNames = s.sim.control.listNodes(s.clusterId)?.map((n) => n.nodeName) ?? [];
    expect(nodeNames).to.have.length(2);
    expect(message).to.contain(nodeNames[0]).and.contain('team is "b", the selector wants "a"');
    expect(held.status?.unjoined?.map((u) => u.reason)).to.deep.equal(['NodeSelectorMismatch', 'NodeSelectorMismatch']);
    expect(held.status?.inFlightReplicas).to.equal(2);
    // Long after the grace period: still exactly the 2 bare-metal instances asked for.
    await sleep(6_000);
    expect(nodesInTasks(s)).to.equal(2);
    expect((await eventsWithReason(s, 'InstancesUnjoined')).length).to.be.greaterThan(0);

    await patchSpec(s, { nodeSelector: { matchLabels: { ...(spec.nodeSelector as { matchLabels: Record<string, string> }).matchLabels, team: 'b' } } });
    const ready = await readyWith(s, 2);
    expect(condition(ready, 'Stalled')?.status).to.equal('False');
    expect(ready.status?.unjoined).to.equal(undefined);
    expect(nodesInTasks(s), 'no purchase after the fix').to.equal(2);
  });

  it('an instance that never registers: NodesNotRegistered, and nothing bought in its place', async () => {
    s = await startScenario();
    s.sim.control.addFault({ kind: 'node-never-joins', times: 1, fraction: 0.5 });
    await s.startOperator();
    await s.apply({ ...baseSpec(s.clusterId, 2), limits: { joinGracePeriod: '2s' } });
    const held = await eventuallyStalled(s, 'NodesNotRegistered');
    expect(condition(held, 'Stalled')?.message).to.contain('not registered in Kubernetes');
    expect(held.status?.replicas).to.equal(1);
    await sleep(5_000);
    expect(nodesInTasks(s)).to.equal(2);
  });

  it('with limits.maxUnjoinedNodes 1: exactly one replacement for an instance that never registers', async () => {
    s = await startScenario();
    s.sim.control.addFault({ kind: 'node-never-joins', times: 1, fraction: 0.5 });
    await s.startOperator();
    await s.apply({ ...baseSpec(s.clusterId, 2), limits: { joinGracePeriod: '2s', maxUnjoinedNodes: 1 } });
    const ready = await readyWith(s, 2);
    expect(nodesInTasks(s), '2 + the one replacement').to.equal(3);
    expect(condition(ready, 'Stalled')?.status).to.equal('False');
    expect(ready.status?.unjoined?.map((u) => u.reason)).to.deep.equal(['NodesNotRegistered']);
    await sleep(4_000);
    expect(nodesInTasks(s)).to.equal(3);
  });

  it('an unjoined instance released in ACK stops counting, and exactly one replacement is bought', async () => {
    s = await startScenario();
    s.sim.control.addFault({ kind: 'node-never-joins', times: 1, fraction: 0.5 });
    await s.startOperator();
    await s.apply({ ...baseSpec(s.clusterId, 2), limits: { joinGracePeriod: '2s' } });
    await eventuallyStalled(s, 'NodesNotRegistered');
    const lost = s.sim.control.listNodes(s.clusterId)?.find((n) => n.join === 'never');
    expect(lost, 'the never-joining instance').to.not.equal(undefined);
    await s.sim.control.releaseInstance(s.clusterId, lost?.instanceId ?? '');
    const ready = await readyWith(s, 2);
    expect(nodesInTasks(s)).to.equal(3);
    const record = ready.status?.tasks?.find((t) => (t.instanceIds ?? []).includes(lost?.instanceId ?? ''));
    expect(record?.releasedInstanceIds).to.deep.equal([lost?.instanceId]);
  });
});
