// The ECS instances of a cluster, created by a scale-out task or by a node pool: where they are
// placed (vSwitches round-robin, so a multi-zone request spreads its nodes), what they are called,
// and how they will join Kubernetes.
import { zoneOf, type ClusterRecord } from './clusters.js';
import { newInstanceId, newPrivateIp } from './ids.js';
import { CONTAINERD_RUNTIME, SANDBOX_RUNTIME, type ContainerRuntime } from './node-labels.js';
import type { NodeTaint } from './tag-rules.js';
import type { TaskError } from './tasks.js';
import type { ChargeType, ScaleOutRequest } from './validation.js';

/** DescribeClusterNodes `state`: initial while joining, running when done, failed, removing. */
export type InstanceState = 'initial' | 'running' | 'failed' | 'removing';
export type NodeStatus = 'Unknown' | 'Ready' | 'NotReady';
/** How the instance's Kubernetes Node behaves once the task succeeded. */
export type JoinBehaviour = 'ready' | 'not-ready' | 'never';

export interface InstanceRecord {
  instanceId: string;
  clusterId: string;
  regionId: string;
  /** The task that created it; '' when a node pool created it on its own (a retry, a replacement). */
  taskId: string;
  /** Its node pool; for ScaleOutCluster instances the cluster's legacy pool id. */
  nodepoolId: string;
  /** A node pool manages it: its desired_size counts it and it replaces it when it is gone. */
  pooled: boolean;
  runtime: ContainerRuntime;
  runtimeVersion: string;
  privateIp: string;
  nodeName: string;
  vswitchId: string;
  zone: string;
  instanceType: string;
  chargeType: ChargeType;
  createdAt: number;
  state: InstanceState;
  nodeStatus: NodeStatus;
  errorMessage: string;
  /** The request's tags, which become node labels. */
  tags: Record<string, string>;
  taints: NodeTaint[];
  join: JoinBehaviour;
  /** Labels the Node registers with in place of ACK's own (fault node-mislabelled). */
  labelOverrides?: Record<string, string>;
  /** Delete the Node this long after it joined ("a node that disappears later"). */
  disappearAfterMs?: number;
  /** Pool instances: when their creation ends, and the error it ends with (a stock-out). */
  readyAt?: number;
  failure?: TaskError;
  /** Instances being removed: when they leave the cluster, and the task removing them. */
  removeAt?: number;
  removalTaskId?: string;
  /** Its Kubernetes Node was created, so removing the instance deletes that Node. */
  nodeCreated?: boolean;
  /** When its Node is due to register (for a pool's offline_nodes). */
  joinDueAt?: number;
}

export interface InstanceSpec {
  cluster: ClusterRecord;
  nodepoolId: string;
  pooled: boolean;
  runtime: ContainerRuntime;
  runtimeVersion: string;
  taskId: string;
  vswitchId: string;
  instanceType: string;
  chargeType: ChargeType;
  tags: Record<string, string>;
  taints: NodeTaint[];
  now: number;
  usedIps: Set<string>;
}

/** One new instance in state initial; `usedIps` gains its address. */
export function newInstance(spec: InstanceSpec): InstanceRecord {
  const { cluster } = spec;
  const privateIp = newPrivateIp(spec.usedIps);
  spec.usedIps.add(privateIp);
  return {
    instanceId: newInstanceId(),
    clusterId: cluster.config.clusterId,
    regionId: cluster.config.regionId,
    taskId: spec.taskId,
    nodepoolId: spec.nodepoolId,
    pooled: spec.pooled,
    runtime: spec.runtime,
    runtimeVersion: spec.runtimeVersion,
    privateIp,
    nodeName: `${cluster.config.regionId}.${privateIp}`,
    vswitchId: spec.vswitchId,
    zone: zoneOf(cluster.config, spec.vswitchId),
    instanceType: spec.instanceType,
    chargeType: spec.chargeType,
    createdAt: spec.now,
    state: 'initial',
    nodeStatus: 'Unknown',
    errorMessage: '',
    tags: { ...spec.tags },
    taints: spec.taints.map((taint) => ({ ...taint })),
    join: 'ready',
  };
}

export interface NewInstancesInput {
  cluster: ClusterRecord;
  request: ScaleOutRequest;
  taskId: string;
  now: number;
  usedIps: Set<string>;
}

/** The vSwitches of a ScaleOutCluster request that receive a node (round-robin, first ones first). */
export function vswitchesUsed(request: ScaleOutRequest): string[] {
  return request.vswitchIds.slice(0, Math.min(request.count, request.vswitchIds.length));
}

export function createInstances(input: NewInstancesInput): InstanceRecord[] {
  const { cluster, request } = input;
  const tags = Object.fromEntries(request.tags.map((tag) => [tag.key, tag.value]));
  const instances: InstanceRecord[] = [];
  for (let index = 0; index < request.count; index += 1) {
    instances.push(
      newInstance({
        cluster,
        nodepoolId: cluster.nodepoolId,
        pooled: false,
        runtime: cluster.config.sandbox ? SANDBOX_RUNTIME : CONTAINERD_RUNTIME,
        runtimeVersion: cluster.config.runtimeVersion,
        taskId: input.taskId,
        vswitchId: request.vswitchIds[index % request.vswitchIds.length] ?? '',
        instanceType: request.instanceTypes[0] ?? '',
        chargeType: request.chargeType,
        tags,
        taints: request.taints,
        now: input.now,
        usedIps: input.usedIps,
      }),
    );
  }
  return instances;
}

/** How many of `total` items a fraction affects: none for 0, otherwise at least one. */
export function affectedCount(total: number, fraction: number | undefined): number {
  const share = fraction ?? 1;
  if (share <= 0 || total === 0) {
    return 0;
  }
  return Math.min(total, Math.max(1, Math.round(total * share)));
}
