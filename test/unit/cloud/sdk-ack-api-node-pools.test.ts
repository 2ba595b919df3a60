// The AckApi adapter's node-pool calls, through the real SDK against the simulator: the view it
// reads, the exact body it writes, and how their failures are classified.
import { expect } from 'chai';
import { AckCallError } from '../../../src/cloud/ack-api.js';
import { SdkAckApi } from '../../../src/cloud/sdk-ack-api.js';
import { CLUSTER_ID, startHarness, type Harness } from '../simulator/support/harness.js';
import { POOL, POOL_CLUSTER, settle } from '../simulator/support/node-pools.js';

const TASK_MS = 2000;
const JOIN_MS = 1000;

async function failureOf(call: () => Promise<unknown>): Promise<AckCallError> {
  try {
    await call();
  } catch (err) {
    if (err instanceof AckCallError) return err;
    throw err;
  }
  throw new Error('the call succeeded');
}

describe('SdkAckApi node pools (real SDK, simulator)', () => {
  let h: Harness;
  let api: SdkAckApi;

  beforeEach(async () => {
    h = await startHarness({ taskDurationMs: TASK_MS, joinDelayMs: JOIN_MS, clusters: [POOL_CLUSTER] });
    api = new SdkAckApi({
      endpoint: { host: h.sim.endpoint, protocol: 'http' },
      credentials: { kind: 'accessKey', accessKeyId: h.sim.accessKeyId, accessKeySecret: h.sim.accessKeySecret },
      connectTimeoutMs: 2000,
      readTimeoutMs: 2000,
    });
  });

  afterEach(async () => {
    await h.sim.close();
  });

  it('describeNodePool reads an eligible pool in the controller\'s words', async () => {
    expect(await api.describeNodePool(CLUSTER_ID, POOL)).to.deep.equal({
      nodepoolId: POOL, type: 'ess', state: 'active', desiredSize: 0, totalNodes: 0, healthyNodes: 0, initialNodes: 0, failedNodes: 0,
      runtime: 'Sandboxed-Container.runv', autoScalingEnabled: false, autoModeEnabled: false, vswitchIds: ['vsw-h', 'vsw-i'],
    });
  });

  it('describeNodePool shows what makes a pool ineligible', async () => {
    expect(await api.describeNodePool(CLUSTER_ID, 'np-autoscaled')).to.include({ autoScalingEnabled: true });
    expect(await api.describeNodePool(CLUSTER_ID, 'np-runc')).to.include({ runtime: 'containerd' });
    expect(await api.describeNodePool(CLUSTER_ID, 'np-edge')).to.include({ type: 'edge' });
    expect(await api.describeNodePool(CLUSTER_ID, 'np-lingjun')).to.include({ autoModeEnabled: true });
  });

  it('setNodePoolDesiredSize sends exactly {"scaling_group":{"desired_size":N}} and returns the task', async () => {
    const accepted = await api.setNodePoolDesiredSize(CLUSTER_ID, POOL, 2);
    expect(accepted.taskId).to.match(/^T-/);
    expect(accepted.requestId).to.not.equal('');
    const [record] = h.sim.control.requests({ action: 'ModifyClusterNodePool' });
    expect(record?.body).to.deep.equal({ scaling_group: { desired_size: 2 } });
    expect(await api.describeNodePool(CLUSTER_ID, POOL)).to.include({ desiredSize: 2, state: 'scaling', initialNodes: 2 });
    await settle(h, TASK_MS, JOIN_MS);
    expect(await api.describeNodePool(CLUSTER_ID, POOL)).to.include({ desiredSize: 2, state: 'active', totalNodes: 2 });
  });

  it('classifies an unknown pool as notFound, and a write to a busy pool as clusterBusy', async () => {
    const missing = await failureOf(() => api.describeNodePool(CLUSTER_ID, 'np-gone'));
    expect(missing.info).to.include({ kind: 'notFound', code: 'ErrorNodePoolNotFound' });
    const missingWrite = await failureOf(() => api.setNodePoolDesiredSize(CLUSTER_ID, 'np-gone', 1));
    expect(missingWrite.info).to.include({ kind: 'notFound', code: 'ErrorNodePoolNotFound' });
    await api.setNodePoolDesiredSize(CLUSTER_ID, POOL, 1);
    const busy = await failureOf(() => api.setNodePoolDesiredSize(CLUSTER_ID, POOL, 2));
    expect(busy.info).to.include({ kind: 'clusterBusy', code: 'InvalidStatus.NodePool' });
  });

  it('a lost answer to the write is an unknown outcome, and the pool shows the write took effect', async () => {
    h.sim.control.addFault({ kind: 'lost-response', action: 'ModifyClusterNodePool', times: 1 });
    const lost = await failureOf(() => api.setNodePoolDesiredSize(CLUSTER_ID, POOL, 3));
    expect(lost.info.kind).to.equal('unknownOutcome');
    expect((await api.describeNodePool(CLUSTER_ID, POOL)).desiredSize).to.equal(3);
  });

  it('removeNodePoolNodes names the instances in the query, releases them without ACK draining, and lowers the desired size', async () => {
    await api.setNodePoolDesiredSize(CLUSTER_ID, POOL, 3);
    await settle(h, TASK_MS, JOIN_MS);
    const [gone] = (await api.describeClusterNodes(CLUSTER_ID, { nodepoolId: POOL, pageNumber: 1, pageSize: 100 })).nodes;
    const accepted = await api.removeNodePoolNodes(CLUSTER_ID, POOL, [gone!.instanceId]);
    expect(accepted.taskId).to.match(/^T-/);
    const [record] = h.sim.control.requests({ action: 'RemoveNodePoolNodes' });
    expect(record?.query).to.deep.include({ instance_ids: JSON.stringify([gone!.instanceId]), release_node: 'true', drain_node: 'false' });
    expect(await api.describeNodePool(CLUSTER_ID, POOL)).to.include({ desiredSize: 2 });
    await settle(h, TASK_MS, JOIN_MS);
    const left = (await api.describeClusterNodes(CLUSTER_ID, { nodepoolId: POOL, pageNumber: 1, pageSize: 100 })).nodes.map((n) => n.instanceId);
    expect(left).to.have.length(2);
    expect(left).not.to.include(gone!.instanceId);
  });

  it('removing an instance that is already gone is refused as an invalid request naming it', async () => {
    const refused = await failureOf(() => api.removeNodePoolNodes(CLUSTER_ID, POOL, ['i-gone']));
    expect(refused.info).to.include({ kind: 'invalidRequest', code: 'InvalidParameter' });
    expect(refused.info.message).to.contain('i-gone');
  });

  it('deleteClusterNodes sends the node names with release_node true and drain_node false', async () => {
    await api.setNodePoolDesiredSize(CLUSTER_ID, POOL, 1);
    await settle(h, TASK_MS, JOIN_MS);
    const [node] = (await api.describeClusterNodes(CLUSTER_ID, { nodepoolId: POOL, pageNumber: 1, pageSize: 100 })).nodes;
    const accepted = await api.deleteClusterNodes(CLUSTER_ID, [node!.nodeName]);
    expect(accepted.taskId).to.match(/^T-/);
    const [record] = h.sim.control.requests({ action: 'DeleteClusterNodes' });
    expect(record?.body).to.deep.equal({ nodes: [node!.nodeName], release_node: true, drain_node: false });
  });
});
