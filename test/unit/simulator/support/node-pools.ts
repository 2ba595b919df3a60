// Node pool calls through the real SDK's typed methods, for the simulator's node pool tests.
import type { Harness } from './harness.js';
import { CLUSTER_ID } from './harness.js';
import { CsModels } from './sdk.js';

export const ZONES = { 'vsw-h': 'cn-hangzhou-h', 'vsw-i': 'cn-hangzhou-i' };
export const POOL = 'np-sandbox';

/** One eligible sandbox pool over two zones, and one of each kind an operator must leave alone. */
export const POOL_CLUSTER = {
  clusterId: CLUSTER_ID,
  vswitchZones: ZONES,
  nodeQuota: 20,
  nodePools: [
    { nodepoolId: POOL, name: 'sandbox', vswitchIds: ['vsw-h', 'vsw-i'], labels: { team: 'sandbox' } },
    { nodepoolId: 'np-autoscaled', name: 'autoscaled', autoScaling: true, minInstances: 1, maxInstances: 5 },
    { nodepoolId: 'np-runc', name: 'runc', runtime: 'containerd' as const },
    { nodepoolId: 'np-edge', name: 'edge', type: 'edge' as const },
    { nodepoolId: 'np-lingjun', name: 'lingjun', type: 'lingjun' as const, autoMode: true },
  ],
};

export async function detail(h: Harness, nodepoolId = POOL) {
  return (await h.client.describeClusterNodePoolDetail(CLUSTER_ID, nodepoolId)).body!;
}

export async function setDesired(h: Harness, desiredSize: number, nodepoolId = POOL): Promise<string> {
  const request = new CsModels.ModifyClusterNodePoolRequest({
    scalingGroup: new CsModels.ModifyClusterNodePoolRequestScalingGroup({ desiredSize }),
  });
  return (await h.client.modifyClusterNodePool(CLUSTER_ID, nodepoolId, request)).body!.taskId!;
}

export async function scaleBy(h: Harness, count: number, nodepoolId = POOL): Promise<string> {
  return (await h.client.scaleClusterNodePool(CLUSTER_ID, nodepoolId, new CsModels.ScaleClusterNodePoolRequest({ count }))).body!.taskId!;
}

export async function poolNodes(h: Harness, nodepoolId = POOL) {
  const request = new CsModels.DescribeClusterNodesRequest({ nodepoolId, pageSize: '100' });
  return (await h.client.describeClusterNodes(CLUSTER_ID, request)).body!.nodes!;
}

export async function taskInfo(h: Harness, taskId: string) {
  return (await h.client.describeTaskInfo(taskId)).body!;
}

/** Lets instance creation (one task duration) and the joins after it (one join delay) happen. */
export async function settle(h: Harness, taskMs: number, joinMs: number): Promise<void> {
  h.clock.advance(taskMs);
  await h.sim.tick();
  h.clock.advance(joinMs);
  await h.sim.tick();
}
