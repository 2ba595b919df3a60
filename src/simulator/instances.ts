// The ECS instances a scale-out task creates: where they are placed (vSwitches round-robin, so a
// multi-zone request spreads its nodes), what they are called, and how they will join Kubernetes.
import { zoneOf, type ClusterRecord } from './clusters.js';
import { newInstanceId, newPrivateIp } from './ids.js';
import type { NodeTaint } from './tag-rules.js';
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
  taskId: string;
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
  /** Delete the Node this long after it joined ("a node that disappears later"). */
  disappearAfterMs?: number;
}

export interface NewInstancesInput {
  cluster: ClusterRecord;
  request: ScaleOutRequest;
  taskId: string;
  now: number;
  usedIps: Set<string>;
}

export function createInstances(input: NewInstancesInput): InstanceRecord[] {
  const { cluster, request } = input;
  const tags = Object.fromEntries(request.tags.map((tag) => [tag.key, tag.value]));
  const instances: InstanceRecord[] = [];
  for (let index = 0; index < request.count; index += 1) {
    const vswitchId = request.vswitchIds[index % request.vswitchIds.length] ?? '';
    const privateIp = newPrivateIp(input.usedIps);
    input.usedIps.add(privateIp);
    instances.push({
      instanceId: newInstanceId(),
      clusterId: cluster.config.clusterId,
      regionId: cluster.config.regionId,
      taskId: input.taskId,
      privateIp,
      nodeName: `${cluster.config.regionId}.${privateIp}`,
      vswitchId,
      zone: zoneOf(cluster.config, vswitchId),
      instanceType: request.instanceTypes[0] ?? '',
      chargeType: request.chargeType,
      createdAt: input.now,
      state: 'initial',
      nodeStatus: 'Unknown',
      errorMessage: '',
      tags,
      taints: request.taints,
      join: 'ready',
    });
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
