// The plain-data view of a node pool for the admin API and the in-process AckSimulator object.
import type { ClusterRecord } from './clusters.js';
import type { NodeTaint } from './tag-rules.js';
import type { NodePoolRecord, NodePoolType } from './node-pools.js';
import { poolCounts, poolState, type NodePoolCounts } from './node-pool-status.js';
import type { TaskStore } from './tasks.js';

export interface SimNodePoolView {
  clusterId: string;
  nodepoolId: string;
  name: string;
  type: NodePoolType;
  runtime: string;
  runtimeVersion: string;
  autoScaling: boolean;
  minInstances: number;
  maxInstances: number;
  autoMode: boolean;
  vswitchIds: string[];
  instanceTypes: string[];
  labels: Record<string, string>;
  taints: NodeTaint[];
  isDefault: boolean;
  scalingGroupId: string;
  desiredSize: number;
  /** status.state as DescribeClusterNodePoolDetail reports it. */
  state: string;
  /** The state held through holdNodePool, or null. */
  heldState: string | null;
  counts: NodePoolCounts;
  /** Instance creations that failed over the pool's life (ESS retries each). */
  failedCreations: number;
  /** Instances the pool launched over its life, retries and replacements included. */
  createdInstances: number;
}

export function nodePoolView(cluster: ClusterRecord, pool: NodePoolRecord, tasks: TaskStore, now: number): SimNodePoolView {
  const { config } = pool;
  return {
    clusterId: cluster.config.clusterId,
    nodepoolId: config.nodepoolId,
    name: config.name,
    type: config.type,
    runtime: config.runtime,
    runtimeVersion: config.runtimeVersion,
    autoScaling: config.autoScaling,
    minInstances: config.minInstances,
    maxInstances: config.maxInstances,
    autoMode: config.autoMode,
    vswitchIds: [...config.vswitchIds],
    instanceTypes: [...config.instanceTypes],
    labels: { ...config.labels },
    taints: config.taints.map((taint) => ({ ...taint })),
    isDefault: config.isDefault,
    scalingGroupId: pool.scalingGroupId,
    desiredSize: pool.desiredSize,
    state: poolState(cluster, pool, tasks),
    heldState: pool.heldState,
    counts: poolCounts(cluster, pool, now),
    failedCreations: pool.failedCreations,
    createdInstances: pool.createdInstances,
  };
}
