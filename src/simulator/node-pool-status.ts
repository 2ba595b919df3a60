// A node pool's `status` (ack-nodepool.md): its state and node counts, derived from its instances
// and tasks. `scaling` while a resize task runs, `removing` while nodes are being removed, a state
// held through the admin API when one is set, `active` otherwise — also while ESS retries failed
// creations on its own (UNCONFIRMED: ACK may report those retries as `scaling`).
import type { ClusterRecord } from './clusters.js';
import type { InstanceRecord } from './instances.js';
import type { NodePoolRecord } from './node-pools.js';
import { NODE_POOL_TASK_TYPES } from './node-pool-tasks.js';
import type { TaskStore } from './tasks.js';

export interface NodePoolCounts {
  total_nodes: number;
  healthy_nodes: number;
  serving_nodes: number;
  initial_nodes: number;
  failed_nodes: number;
  offline_nodes: number;
  removing_nodes: number;
}

export function poolInstances(cluster: ClusterRecord, pool: NodePoolRecord): InstanceRecord[] {
  return cluster.instances.filter((instance) => instance.pooled && instance.nodepoolId === pool.config.nodepoolId);
}

/** Instances that count towards desired_size: being created or running. */
export function aliveInstances(cluster: ClusterRecord, pool: NodePoolRecord): InstanceRecord[] {
  return poolInstances(cluster, pool).filter((instance) => instance.state === 'initial' || instance.state === 'running');
}

export function poolState(cluster: ClusterRecord, pool: NodePoolRecord, tasks: TaskStore): string {
  if (pool.heldState !== null) {
    return pool.heldState;
  }
  const running = tasks
    .list(cluster.config.clusterId)
    .find((task) => task.state === 'running' && task.kind === 'pool' && task.nodepoolId === pool.config.nodepoolId);
  if (running !== undefined) {
    return running.taskType === NODE_POOL_TASK_TYPES.remove ? 'removing' : 'scaling';
  }
  return poolInstances(cluster, pool).some((instance) => instance.state === 'removing') ? 'removing' : 'active';
}

/** A running node whose Node should have registered by now and is not Ready. */
function isOffline(instance: InstanceRecord, now: number): boolean {
  return instance.nodeStatus !== 'Ready' && instance.joinDueAt !== undefined && now >= instance.joinDueAt;
}

export function poolCounts(cluster: ClusterRecord, pool: NodePoolRecord, now: number): NodePoolCounts {
  const mine = poolInstances(cluster, pool);
  const running = mine.filter((instance) => instance.state === 'running');
  const count = (state: InstanceRecord['state']): number => mine.filter((instance) => instance.state === state).length;
  return {
    total_nodes: mine.length,
    healthy_nodes: running.filter((instance) => instance.nodeStatus === 'Ready').length,
    serving_nodes: running.length,
    initial_nodes: count('initial'),
    failed_nodes: count('failed'),
    offline_nodes: running.filter((instance) => isOffline(instance, now)).length,
    removing_nodes: count('removing'),
  };
}
