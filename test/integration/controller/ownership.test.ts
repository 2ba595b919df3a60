// Who may buy for which Nodes: only for the operator's own cluster, only one resource per set of Nodes,
// and a resource deleted and applied again is still the same buyer (its ledger outlives the object).
import { expect } from 'chai';
import { GROUP, LEDGER_FINALIZER, PLURAL, VERSION, type SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { baseSpec, condition, eventually, newClusterId, startScenario, type Scenario } from './fixture.js';
import { eventsWithReason, nodesInTasks, readyWith, sleep } from './observe.js';

async function stalledWith(s: Scenario, reason: string, name = 'workers'): Promise<SandboxCapacity> {
  return eventually(`${name}: Stalled=${reason}`, async () => {
    const sc = await s.get(name);
    const c = condition(sc, 'Stalled');
    return c?.status === 'True' && c.reason === reason ? sc : undefined;
  }, 60_000);
}

async function remove(s: Scenario, name = 'workers'): Promise<void> {
  await s.objects.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: s.ns, plural: PLURAL, name });
}

async function gone(s: Scenario, name = 'workers'): Promise<void> {
  await eventually(`${name} deleted`, async () => {
    try {
      await s.get(name);
      return undefined;
    } catch {
      return true;
    }
  }, 60_000);
}

function runningTasks(s: Scenario): number {
  return s.sim.control.listTasks(s.clusterId).filter((t) => t.state === 'running').length;
}

describe('controller: whose Nodes, which cluster, and a ledger that outlives the object', function () {
  this.timeout(180_000);
  let s: Scenario;

  afterEach(async () => {
    await s.close();
  });

  it('a resource for another cluster than the operator\'s: ClusterMismatch, and nothing is called at all', async () => {
    s = await startScenario();
    await s.startOperator();
    const elsewhere = newClusterId();
    await s.apply({ ...baseSpec(elsewhere, 3), nodeSelector: { matchLabels: { 'alibabacloud.com/container-runtime': 'Sandboxed-Container.runv' } } });
    const sc = await stalledWith(s, 'ClusterMismatch');
    expect(condition(sc, 'Stalled')?.message).to.contain(elsewhere).and.contain(s.clusterId).and.contain('--cluster-id');
    await sleep(2_000);
    expect(s.sim.control.requests(), 'no cloud call of any kind').to.have.length(0);
  });

  it('overlapping resources: the one created first counts and buys, the newer buys nothing, both say so', async () => {
    s = await startScenario();
    await s.startOperator();
    await s.apply(baseSpec(s.clusterId, 2), 'first');
    await readyWith(s, 2, 'first');
    await s.apply(baseSpec(s.clusterId, 3), 'second');
    const second = await stalledWith(s, 'OverlappingSelector', 'second');
    expect(condition(second, 'Stalled')?.message).to.contain(`${s.ns}/first`);
    expect(second.status?.overlapping).to.deep.equal([`${s.ns}/first`]);
    const first = await eventually('first reports the overlap', async () => {
      const sc = await s.get('first');
      return sc.status?.overlapping?.includes(`${s.ns}/second`) === true ? sc : undefined;
    });
    expect(condition(first, 'Ready')?.status).to.equal('True');
    expect(await eventsWithReason(s, 'OverlappingSelector', 'first')).to.have.length.greaterThan(0);
    expect(await eventsWithReason(s, 'OverlappingSelector', 'second')).to.have.length.greaterThan(0);
    await sleep(3_000);
    expect(nodesInTasks(s), 'only first\'s 2 nodes were bought').to.equal(2);
  });

  it('deleted while its task runs: the finalizer holds until the task ends, and applied again it buys only what is still missing', async () => {
    s = await startScenario();
    s.sim.control.addFault({ kind: 'task-stuck', times: 1 });
    await s.startOperator();
    await s.apply(baseSpec(s.clusterId, 2));
    await eventually('a running task', () => runningTasks(s) === 1);
    const held = await eventually('the finalizer', async () => {
      const sc = await s.get();
      return sc.metadata.finalizers?.includes(LEDGER_FINALIZER) === true ? sc : undefined;
    });
    await remove(s);
    await sleep(3_000);
    const deleting = await s.get();
    expect(deleting.metadata.deletionTimestamp, 'still there: its task runs').to.be.a('string');
    expect(condition(deleting, 'Reconciling')?.reason).to.equal('Deleting');
    expect(held.metadata.finalizers).to.include(LEDGER_FINALIZER);

    const [task] = s.sim.control.listTasks(s.clusterId);
    s.sim.control.finishTask(task?.taskId ?? '', { state: 'success' });
    await gone(s);
    // Applied again (Argo CD prune and recreate): it adopts the finished task, buys only the 1 more it now wants.
    await s.apply(baseSpec(s.clusterId, 3));
    const ready = await readyWith(s, 3);
    expect(s.sim.control.listTasks(s.clusterId).map((t) => t.count).sort()).to.deep.equal([1, 2]);
    expect(ready.status?.tasks?.some((t) => t.taskId === task?.taskId)).to.equal(true);
  });

  it('deleted with the abandon annotation and applied again at once: adopts the running task, no new call until it ends', async () => {
    s = await startScenario();
    s.sim.control.addFault({ kind: 'task-stuck', times: 1 });
    await s.startOperator();
    await s.apply(baseSpec(s.clusterId, 2));
    await eventually('a running task', () => runningTasks(s) === 1);
    await eventually('the finalizer', async () => (await s.get()).metadata.finalizers?.includes(LEDGER_FINALIZER) === true);
    await s.objects.patchNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace: s.ns, plural: PLURAL, name: 'workers',
      body: [{ op: 'add', path: '/metadata/annotations', value: { 'capacity.sandbox.dev/abandon-in-flight': 'true' } }],
    });
    await remove(s);
    await gone(s);
    await s.apply(baseSpec(s.clusterId, 2));
    const adopted = await eventually('the task adopted', async () => {
      const sc = await s.get();
      return sc.status?.tasks?.some((t) => t.state === 'Running') === true ? sc : undefined;
    });
    expect(adopted.status?.inFlightReplicas).to.equal(2);
    await sleep(3_000);
    expect(s.scaleOutCalls(), 'no second request while the first runs').to.have.length(1);
    const [task] = s.sim.control.listTasks(s.clusterId);
    s.sim.control.finishTask(task?.taskId ?? '', { state: 'success' });
    await readyWith(s, 2);
    expect(nodesInTasks(s)).to.equal(2);
  });

  it('a zone out of stock: the next request goes to the other zone, and nodes end up only where there is stock', async () => {
    s = await startScenario();
    s.sim.control.addFault({ kind: 'no-stock', zone: 'cn-hangzhou-h' });
    await s.startOperator();
    await s.apply({ ...baseSpec(s.clusterId, 4), scaleOut: { ...(baseSpec(s.clusterId, 4).scaleOut as Record<string, unknown>), vswitchIds: ['vsw-aaa', 'vsw-bbb'] } });
    const ready = await readyWith(s, 4);
    const zones = (s.sim.control.listNodes(s.clusterId) ?? []).filter((n) => n.state === 'running').map((n) => n.zone);
    expect(zones).to.deep.equal(['cn-hangzhou-i', 'cn-hangzhou-i', 'cn-hangzhou-i', 'cn-hangzhou-i']);
    expect(ready.status?.readyReplicas).to.equal(4);
    const refused = s.sim.control.requests({ action: 'ScaleOutCluster' }).filter((r) => r.status >= 400).map((r) => (r.body as { vswitch_ids?: string[] }).vswitch_ids);
    expect(refused.length).to.be.greaterThan(0);
    expect(refused.every((ids) => ids?.join() === 'vsw-aaa'), 'only the zone out of stock refused').to.equal(true);
    const [outOfStock] = await eventsWithReason(s, 'OutOfStock');
    expect(outOfStock?.message).to.contain('vsw-aaa').and.contain('the next request goes to vsw-bbb');
  });
});
