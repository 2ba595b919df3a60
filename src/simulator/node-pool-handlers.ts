// The node pool calls of the CS OpenAPI (ack-nodepool.md) and DeleteClusterNodes, on top of
// SimulatorState. Wire shapes follow the SDK 7.2.0 response models.
import { parseJsonBody, type AckHandler } from './ack-handlers.js';
import { nodePoolDetailView } from './node-pool-views.js';

function ids(call: Parameters<AckHandler>[0]): { clusterId: string; nodepoolId: string } {
  return { clusterId: call.params.clusterId ?? '', nodepoolId: call.params.nodepoolId ?? '' };
}

export const describeClusterNodePools: AckHandler = (call) => {
  const cluster = call.state.clusters.require(call.params.clusterId ?? '');
  const name = call.query.get('NodepoolName');
  const pools = cluster.nodePools.filter((pool) => name === undefined || name === '' || pool.config.name === name);
  const context = { tasks: call.state.tasks, now: call.now };
  return { status: 200, body: { nodepools: pools.map((pool) => nodePoolDetailView(cluster, pool, context)) } };
};

export const describeClusterNodePoolDetail: AckHandler = (call) => {
  const { clusterId, nodepoolId } = ids(call);
  const { cluster, pool } = call.state.clusters.requirePool(clusterId, nodepoolId);
  return { status: 200, body: nodePoolDetailView(cluster, pool, { tasks: call.state.tasks, now: call.now }) };
};

export const modifyClusterNodePool: AckHandler = (call) => {
  const { clusterId, nodepoolId } = ids(call);
  call.state.clusters.requirePool(clusterId, nodepoolId);
  const task = call.state.pools.modify({ clusterId, nodepoolId, requestId: call.requestId, now: call.now, body: parseJsonBody(call.body) });
  return { status: 200, body: { nodepool_id: nodepoolId, request_id: call.requestId, task_id: task.taskId }, taskId: task.taskId };
};

export const scaleClusterNodePool: AckHandler = (call) => {
  const { clusterId, nodepoolId } = ids(call);
  call.state.clusters.requirePool(clusterId, nodepoolId);
  const task = call.state.pools.scale({ clusterId, nodepoolId, requestId: call.requestId, now: call.now, body: parseJsonBody(call.body) });
  return { status: 200, body: { task_id: task.taskId }, taskId: task.taskId };
};

export const removeNodePoolNodes: AckHandler = (call) => {
  const { clusterId, nodepoolId } = ids(call);
  const task = call.state.pools.removeNodes({ clusterId, nodepoolId, requestId: call.requestId, now: call.now, query: call.query });
  return { status: 200, body: { request_id: call.requestId, task_id: task.taskId }, taskId: task.taskId };
};

export const deleteClusterNodes: AckHandler = (call) => {
  const clusterId = call.params.clusterId ?? '';
  call.state.clusters.require(clusterId);
  const task = call.state.pools.deleteClusterNodes({ clusterId, requestId: call.requestId, now: call.now, body: parseJsonBody(call.body) });
  return { status: 200, body: { cluster_id: clusterId, request_id: call.requestId, task_id: task.taskId }, taskId: task.taskId };
};
