// Node-pool mode, one reconcile at a time (Reconciler.reconcile on the real API server, the simulator
// through the real SDK): lastWrite is in the API server before ACK receives the write, no write after
// the lease is lost, and the next leader reads the pool before it writes anything.
import { expect } from 'chai';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import type { AckApi } from '../../../src/cloud/ack-api.js';
import { POLL_RUNNING_MS } from '../../../src/controller/core/schedule.js';
import { newClusterId } from './fixture.js';
import { POOL, poolSpec } from './node-pool-fixture.js';
import { startStep, type Step } from './step-fixture.js';

function poolWrites(s: Step): unknown[] {
  return s.sim.control.requests({ action: 'ModifyClusterNodePool' }).map((r) => r.body);
}

describe('controller: node-pool mode, one reconcile at a time', function () {
  this.timeout(60_000);
  let s: Step;

  afterEach(async () => {
    await s.close();
  });

  async function startPoolStep(): Promise<Step> {
    const clusterId = newClusterId();
    return startStep({ clusters: [{ clusterId, regionId: 'cn-hangzhou', nodePools: [{ nodepoolId: POOL, name: 'sandbox' }] }] });
  }

  it('persists lastWrite before ACK receives the write, then records its task: one read, one write, requeue at the poll interval', async () => {
    s = await startPoolStep();
    await s.apply(poolSpec(s.clusterId, 3));
    const atCall: { status?: SandboxCapacity['status']; writesBefore?: number } = {};
    const spy = (real: AckApi): AckApi => ({
      ...real,
      describeNodePool: (c, p) => real.describeNodePool(c, p),
      describeTaskInfo: (id) => real.describeTaskInfo(id),
      async setNodePoolDesiredSize(clusterId, nodepoolId, desiredSize) {
        atCall.status = (await s.get()).status;
        atCall.writesBefore = poolWrites(s).length;
        return real.setNodePoolDesiredSize(clusterId, nodepoolId, desiredSize);
      },
    });
    const result = await s.reconcile({ api: spy });
    expect(atCall.status?.nodePool?.lastWrite, 'lastWrite in the API server when the write is made').to.include({ desiredSize: 3 });
    expect(atCall.status?.nodePool?.lastWrite?.taskId).to.equal(undefined);
    expect(atCall.writesBefore, 'ACK had not been asked yet').to.equal(0);
    expect(poolWrites(s)).to.deep.equal([{ scaling_group: { desired_size: 3 } }]);
    expect(s.sim.control.requests({ action: 'DescribeClusterNodePoolDetail' })).to.have.length(1);
    const after = await s.get();
    expect(after.status?.nodePool?.lastWrite?.taskId).to.match(/^T-/);
    expect(after.status?.inFlightReplicas).to.equal(3);
    expect(result.requeueAfterMs).to.be.at.most(POLL_RUNNING_MS);

    // The next step reads the pool (the write is newer than the last read) and writes nothing.
    await s.reconcile();
    expect(s.sim.control.requests({ action: 'DescribeClusterNodePoolDetail' })).to.have.length(2);
    expect(poolWrites(s)).to.have.length(1);
    expect((await s.get()).status?.nodePool).to.include({ desiredSize: 3, state: 'scaling' });
  });

  it('writes nothing when the lease is lost after lastWrite was recorded; the next leader reads first and writes the same absolute size', async () => {
    s = await startPoolStep();
    await s.apply(poolSpec(s.clusterId, 2));
    const loseLeaseAtTheWrite = async (): Promise<void> => {
      if ((await s.get()).status?.nodePool?.lastWrite !== undefined) s.fence.leading = false;
    };
    await s.reconcile({ budget: (real) => ({ acquire: async () => { await real.acquire(); await loseLeaseAtTheWrite(); } }) });
    expect(poolWrites(s)).to.have.length(0);
    expect((await s.get()).status?.nodePool?.lastWrite).to.include({ desiredSize: 2 });

    s.fence.leading = true;
    const reads = s.sim.control.requests({ action: 'DescribeClusterNodePoolDetail' }).length;
    await s.reconcile();
    expect(s.sim.control.requests({ action: 'DescribeClusterNodePoolDetail' })).to.have.length(reads + 1);
    expect(poolWrites(s)).to.deep.equal([{ scaling_group: { desired_size: 2 } }]);
    expect(s.sim.control.getNodePool(s.clusterId, POOL)?.desiredSize).to.equal(2);
  });
});
