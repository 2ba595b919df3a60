// The node-pool backend end to end: the operator in-process on the real kube-apiserver, the ACK
// simulator through the real SDK. Asserts on status, Events, Nodes and the simulator's record of every
// ModifyClusterNodePool (its exact body) and of the instances it created.
import { expect } from 'chai';
import { condition, eventually, type Scenario } from './fixture.js';
import { AUTOSCALED_POOL, POOL, desiredSizeOf, poolSpec, poolWrites, startPoolScenario } from './node-pool-fixture.js';
import { clusterNodes, eventsWithReason, instancesCreated, patchSpec, readyWith, sleep } from './observe.js';

const accepted = (s: Scenario) => poolWrites(s).filter((w) => w.status >= 200 && w.status < 300);

describe('controller: node-pool mode', function () {
  this.timeout(120_000);
  let s: Scenario;

  afterEach(async () => {
    await s.close();
  });

  it('converges with the pool\'s desired size exactly spec.replicas, in one write of exactly {scaling_group:{desired_size:N}}', async () => {
    s = await startPoolScenario();
    await s.startOperator();
    await s.apply(poolSpec(s.clusterId, 3));
    const done = await readyWith(s, 3);
    expect(desiredSizeOf(s)).to.equal(3);
    expect(poolWrites(s).map((w) => w.body)).to.deep.equal([{ scaling_group: { desired_size: 3 } }]);
    expect(s.scaleOutCalls()).to.deep.equal([]);
    expect(instancesCreated(s)).to.equal(3);
    expect(done.status?.nodePool).to.include({ desiredSize: 3, totalNodes: 3 });
    await eventually('the pool read as active again', async () => (await s.get()).status?.nodePool?.state === 'active' || undefined, 30_000);
    expect(done.status?.nodePool?.lastWrite).to.include({ desiredSize: 3 });
    expect(done.status?.nodePool?.lastWrite?.taskId).to.match(/^T-/);
    expect(done.status?.selector).to.include(`alibabacloud.com/nodepool-id=${POOL}`);
    const nodes = await clusterNodes(s);
    expect(nodes.map((n) => n.metadata?.labels?.['alibabacloud.com/nodepool-id'])).to.deep.equal([POOL, POOL, POOL]);
    const [resized] = await eventsWithReason(s, 'NodePoolResized');
    expect(resized?.message).to.include('set to 3 (was 0');
  });

  it('a write whose answer is lost took effect: the pool ends at N, not N + shortfall', async () => {
    s = await startPoolScenario();
    s.sim.control.addFault({ kind: 'lost-response', action: 'ModifyClusterNodePool', times: 1 });
    await s.startOperator();
    await s.apply(poolSpec(s.clusterId, 3));
    await readyWith(s, 3);
    expect(desiredSizeOf(s)).to.equal(3);
    expect(instancesCreated(s)).to.equal(3);
    const writes = poolWrites(s);
    expect(writes[0]).to.include({ status: 503 });
    expect(writes[0]?.faults).to.deep.equal(['lost-response']);
    expect(writes.map((w) => w.desiredSize).every((n) => n === 3), 'every write asks for the same absolute size').to.equal(true);
    expect(writes, 'the re-read found the write took effect: none again').to.have.length(1);
  });

  it('a busy pool gets no write until it is active', async () => {
    s = await startPoolScenario();
    s.sim.control.holdNodePool(s.clusterId, POOL, 'updating');
    await s.startOperator();
    await s.apply(poolSpec(s.clusterId, 2));
    await eventually('NodePoolBusy', async () => condition(await s.get(), 'Reconciling')?.reason === 'NodePoolBusy' || undefined, 30_000);
    await sleep(1500);
    expect(poolWrites(s)).to.deep.equal([]);
    expect(condition(await s.get(), 'Reconciling')?.message).to.include('updating');
    s.sim.control.holdNodePool(s.clusterId, POOL, 'active');
    await readyWith(s, 2);
    expect(accepted(s).map((w) => w.desiredSize)).to.deep.equal([2]);
    expect(poolWrites(s).filter((w) => w.code === 'InvalidStatus.NodePool')).to.deep.equal([]);
  });

  it('drift under Enforce: a lowered desired size is reported and written back', async () => {
    s = await startPoolScenario();
    await s.startOperator(['--resync-period', '2s']);
    await s.apply(poolSpec(s.clusterId, 3));
    await readyWith(s, 3);
    s.sim.control.resizeNodePool(s.clusterId, POOL, 1);
    const [drift] = await eventually('NodePoolDriftDetected', async () => {
      const events = await eventsWithReason(s, 'NodePoolDriftDetected');
      return events.length > 0 ? events : undefined;
    }, 30_000);
    expect(drift?.type).to.equal('Warning');
    expect(drift?.message).to.include('from 3 to 1').and.include('Enforce');
    await eventually('the pool written back to 3', () => Promise.resolve((desiredSizeOf(s) === 3 && accepted(s).length === 2) || undefined), 30_000);
    await readyWith(s, 3);
    expect(accepted(s).map((w) => w.desiredSize)).to.deep.equal([3, 3]);
  });

  it('drift under Observe: reported and left until the spec changes; above the target it is surplus under both', async () => {
    s = await startPoolScenario();
    await s.startOperator(['--resync-period', '2s']);
    await s.apply(poolSpec(s.clusterId, 3, { driftPolicy: 'Observe' }));
    await readyWith(s, 3);
    s.sim.control.resizeNodePool(s.clusterId, POOL, 1);
    await eventually('NodePoolDriftDetected', async () => ((await eventsWithReason(s, 'NodePoolDriftDetected')).length > 0) || undefined, 30_000);
    await eventually('waiting on the drift', async () => condition(await s.get(), 'Reconciling')?.reason === 'NodePoolDriftDetected' || undefined, 30_000);
    await sleep(4000);
    expect(desiredSizeOf(s)).to.equal(1);
    expect(accepted(s)).to.have.length(1);
    await patchSpec(s, { replicas: 4 });
    await readyWith(s, 4);
    expect(accepted(s).map((w) => w.desiredSize)).to.deep.equal([3, 4]);
    s.sim.control.resizeNodePool(s.clusterId, POOL, 6);
    const surplus = await eventually('surplus reported', async () => {
      const events = (await eventsWithReason(s, 'NodePoolDriftDetected')).filter((e) => e.message.includes('surplus'));
      return events.length > 0 ? events : undefined;
    }, 30_000);
    expect(surplus[0]?.message).to.include('from 4 to 6');
    await eventually('6 nodes, surplus', async () => condition(await s.get(), 'Ready')?.reason === 'SurplusNodes' || undefined, 60_000);
    expect(desiredSizeOf(s)).to.equal(6);
    expect(accepted(s)).to.have.length(2);
  });

  it('an ineligible pool stalls with NodePoolNotEligible naming the field, and gets no write', async () => {
    s = await startPoolScenario();
    await s.startOperator();
    await s.apply({ ...poolSpec(s.clusterId, 2), nodePool: { id: AUTOSCALED_POOL } });
    const stalled = await eventually('Stalled NodePoolNotEligible', async () => {
      const c = condition(await s.get(), 'Stalled');
      return c?.status === 'True' && c.reason === 'NodePoolNotEligible' ? c : undefined;
    }, 30_000);
    expect(stalled.message).to.include('auto_scaling.enable is true');
    await sleep(1000);
    expect(poolWrites(s, AUTOSCALED_POOL)).to.deep.equal([]);
    expect(instancesCreated(s)).to.equal(0);
  });

  it('a pool that does not exist stalls with NodePoolNotFound; naming the right one converges', async () => {
    s = await startPoolScenario();
    await s.startOperator();
    await s.apply({ ...poolSpec(s.clusterId, 2), nodePool: { id: 'np-missing' } });
    const stalled = await eventually('Stalled NodePoolNotFound', async () => {
      const c = condition(await s.get(), 'Stalled');
      return c?.status === 'True' && c.reason === 'NodePoolNotFound' ? c : undefined;
    }, 30_000);
    expect(stalled.message).to.include('np-missing');
    expect(poolWrites(s, 'np-missing')).to.deep.equal([]);
    // Naming the right pool lifts the stall at once: the old pool's view is not used.
    await patchSpec(s, { nodePool: { id: POOL, driftPolicy: 'Enforce' } });
    const done = await readyWith(s, 2);
    expect(done.status?.nodePool).to.include({ nodepoolId: POOL, desiredSize: 2 });
    expect(done.status?.nodePool?.problem).to.equal(undefined);
    expect(accepted(s).map((w) => w.desiredSize)).to.deep.equal([2]);
  });

  it('a stock-out stalls the scale-up with ScaleUpStalled naming the error, and writes nothing more', async () => {
    s = await startPoolScenario();
    s.sim.control.addFault({ kind: 'no-stock', nodepoolId: POOL });
    await s.startOperator();
    await s.apply(poolSpec(s.clusterId, 2));
    const stalled = await eventually('Stalled ScaleUpStalled', async () => {
      const c = condition(await s.get(), 'Stalled');
      return c?.status === 'True' && c.reason === 'ScaleUpStalled' && c.message.includes('OperationDenied.NoStock') ? c : undefined;
    }, 60_000);
    expect(stalled.message).to.include('failed');
    const events = await eventsWithReason(s, 'ScaleUpStalled');
    expect(events[0]?.type).to.equal('Warning');
    expect(accepted(s).map((w) => w.desiredSize)).to.deep.equal([2]);
    expect((await s.get()).status?.nodePool?.taskError?.code).to.equal('OperationDenied.NoStock');
  });

  it('kubectl scale 3 → 5 → 8 within a second: the writes end at 8, at most 2 of them', async () => {
    s = await startPoolScenario();
    await s.startOperator();
    await s.apply(poolSpec(s.clusterId, 3));
    await readyWith(s, 3);
    const before = accepted(s).length;
    await patchSpec(s, { replicas: 5 });
    await sleep(300);
    await patchSpec(s, { replicas: 8 });
    await readyWith(s, 8);
    const writes = accepted(s).slice(before).map((w) => w.desiredSize);
    expect(writes.length).to.be.within(1, 2);
    expect(writes[writes.length - 1]).to.equal(8);
    expect(desiredSizeOf(s)).to.equal(8);
    expect(instancesCreated(s)).to.equal(8);
  });
});
