// Tasks of node pool writes (ModifyClusterNodePool, ScaleClusterNodePool, RemoveNodePoolNodes, an
// out-of-band resize) and of DeleteClusterNodes. Unlike a ScaleOutCluster task, which ends at its
// finish time, a pool task follows its instances: it ends once each has been created (or failed) or
// removed, `success` when all went well and `fail` with the first error (e.g. a stock-out) otherwise.
// ACK's task types for these calls are UNCONFIRMED except nodepool_update (seen in peers' fixtures).
import type { ClusterRecord } from './clusters.js';
import type { InstanceRecord } from './instances.js';
import type { PoolResult, TaskError, TaskRecord, TaskResultStatus } from './tasks.js';

export const NODE_POOL_TASK_TYPES = {
  /** ModifyClusterNodePool, and a desired size changed out of band (admin API). */
  modify: 'nodepool_update',
  scale: 'nodepool_scaleout',
  remove: 'nodepool_remove_nodes',
  /** DeleteClusterNodes (targets the cluster, not a pool). */
  deleteNodes: 'cluster_remove_nodes',
} as const;

export const RELEASED_ERROR: TaskError = {
  code: 'InstanceReleased',
  message: 'the ECS instance was released before it joined the cluster',
};

export interface NewPoolTaskInput {
  taskId: string;
  taskType: string;
  cluster: ClusterRecord;
  /** Absent for DeleteClusterNodes, which targets the cluster. */
  nodepoolId?: string;
  requestId: string;
  parameters: Record<string, unknown>;
  now: number;
  sequence: number;
}

export function newPoolTask(input: NewPoolTaskInput): TaskRecord {
  const clusterId = input.cluster.config.clusterId;
  return {
    taskId: input.taskId,
    clusterId,
    requestId: input.requestId,
    kind: 'pool',
    taskType: input.taskType,
    target: input.nodepoolId === undefined ? { id: clusterId, type: 'cluster' } : { id: input.nodepoolId, type: 'nodepool' },
    ...(input.nodepoolId === undefined ? {} : { nodepoolId: input.nodepoolId }),
    poolResults: [],
    createdAt: input.now,
    updatedAt: input.now,
    finishAt: null,
    state: 'running',
    parameters: input.parameters,
    instanceIds: [],
    plannedFailures: 0,
    failedCount: 0,
    sequence: input.sequence,
  };
}

export function addPoolResults(task: TaskRecord, instances: readonly InstanceRecord[], op: PoolResult['op']): void {
  for (const instance of instances) {
    task.poolResults?.push({ instanceId: instance.instanceId, op, status: 'initial' });
    task.instanceIds.push(instance.instanceId);
  }
}

interface Outcome {
  status: TaskResultStatus;
  at: number;
  error?: TaskError;
}

function outcomeOf(result: PoolResult, instance: InstanceRecord | undefined, now: number): Outcome {
  if (result.op === 'remove') {
    return instance === undefined ? { status: 'success', at: now } : { status: 'initial', at: now };
  }
  if (instance?.state === 'initial') return { status: 'initial', at: now };
  if (instance?.state === 'running') return { status: 'success', at: instance.readyAt ?? now };
  if (instance?.state === 'failed') return { status: 'failed', at: instance.readyAt ?? now, error: instance.failure ?? RELEASED_ERROR };
  // Released (or taken out) while it was being created.
  return { status: 'failed', at: now, error: RELEASED_ERROR };
}

/** Records what happened to the task's instances; ends the task once none is pending. True when it ended. */
export function settlePoolTask(task: TaskRecord, cluster: ClusterRecord | undefined, now: number): boolean {
  const results = task.poolResults ?? [];
  for (const result of results.filter((candidate) => candidate.status === 'initial')) {
    const outcome = outcomeOf(result, cluster?.instances.find((instance) => instance.instanceId === result.instanceId), now);
    if (outcome.status === 'initial') continue;
    result.status = outcome.status;
    task.updatedAt = Math.max(task.updatedAt, outcome.at);
    if (outcome.error && task.plannedError === undefined) task.plannedError = outcome.error;
  }
  if (results.some((result) => result.status === 'initial')) return false;
  const failed = results.filter((result) => result.status === 'failed').length;
  task.failedCount = failed;
  task.state = failed > 0 ? 'fail' : 'success';
  task.finishAt = task.updatedAt;
  if (failed > 0) {
    const error = task.plannedError ?? RELEASED_ERROR;
    task.error = { code: error.code, message: `${error.message} (${failed} of ${results.length} nodes failed)` };
  }
  return true;
}
