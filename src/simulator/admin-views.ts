// Plain-data views of the simulator's state for the admin API and the in-process AckSimulator object;
// callers get copies, never the live records.
import { activeNodeCount, type ClusterRecord, type ResolvedClusterConfig } from './clusters.js';
import type { InstanceRecord, InstanceState, JoinBehaviour, NodeStatus } from './instances.js';
import type { TaskError, TaskRecord, TaskState } from './tasks.js';

export interface SimTaskView {
  taskId: string;
  clusterId: string;
  requestId: string;
  taskType: string;
  state: TaskState;
  created: string;
  updated: string;
  /** When a running task will finish; null if it stays running until finished by hand. */
  finishAt: string | null;
  count: number;
  instanceIds: string[];
  failedCount: number;
  error?: TaskError;
  parameters: Record<string, unknown>;
}

export interface SimClusterView extends ResolvedClusterConfig {
  /** The pool id ScaleOutCluster instances carry (not a listed pool). */
  nodepoolId: string;
  /** Ids of the cluster's node pools (listNodePools for their state). */
  nodePoolIds: string[];
  activeNodes: number;
  runningTasks: number;
}

export interface SimNodeView {
  instanceId: string;
  clusterId: string;
  /** '' for an instance a node pool created on its own (a retry or a replacement). */
  taskId: string;
  nodepoolId: string;
  /** A node pool manages it (false: ScaleOutCluster). */
  pooled: boolean;
  nodeName: string;
  privateIp: string;
  vswitchId: string;
  zone: string;
  instanceType: string;
  state: InstanceState;
  nodeStatus: NodeStatus;
  join: JoinBehaviour;
  /** It registers with labels other than ACK's (fault node-mislabelled). */
  mislabelled: boolean;
  errorMessage: string;
  created: string;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function taskView(task: TaskRecord): SimTaskView {
  return {
    taskId: task.taskId,
    clusterId: task.clusterId,
    requestId: task.requestId,
    taskType: task.taskType,
    state: task.state,
    created: iso(task.createdAt),
    updated: iso(task.updatedAt),
    finishAt: task.state === 'running' && task.finishAt !== null ? iso(task.finishAt) : task.state === 'running' ? null : iso(task.updatedAt),
    count: task.instanceIds.length,
    instanceIds: [...task.instanceIds],
    failedCount: task.failedCount,
    ...(task.error ? { error: { ...task.error } } : {}),
    parameters: structuredClone(task.parameters),
  };
}

export function clusterView(record: ClusterRecord, runningTasks: number): SimClusterView {
  return {
    ...record.config,
    vswitchZones: { ...record.config.vswitchZones },
    nodepoolId: record.nodepoolId,
    nodePoolIds: record.nodePools.map((pool) => pool.config.nodepoolId),
    activeNodes: activeNodeCount(record),
    runningTasks,
  };
}

export function nodeView(instance: InstanceRecord): SimNodeView {
  return {
    instanceId: instance.instanceId,
    clusterId: instance.clusterId,
    taskId: instance.taskId,
    nodepoolId: instance.nodepoolId,
    pooled: instance.pooled,
    nodeName: instance.nodeName,
    privateIp: instance.privateIp,
    vswitchId: instance.vswitchId,
    zone: instance.zone,
    instanceType: instance.instanceType,
    state: instance.state,
    nodeStatus: instance.nodeStatus,
    join: instance.join,
    mislabelled: instance.labelOverrides !== undefined,
    errorMessage: instance.errorMessage,
    created: iso(instance.createdAt),
  };
}
