// The Kubernetes Node a kubelet on a sandboxed-container ECS bare-metal instance would register
// (ack-api.md §9): name <region>.<private ip>, providerID <region>.<instance id>, ACK's labels, and a
// status with a Ready condition, addresses and nodeInfo.
import type { V1Node, V1NodeStatus } from '@kubernetes/client-node';
import type { ClusterRecord } from './clusters.js';
import type { InstanceRecord } from './instances.js';
import { nodeLabels } from './node-labels.js';

export const SIMULATOR_ANNOTATION_PREFIX = 'ack-simulator.sandbox-capacity.dev';

interface Capacity {
  cpu: string;
  memory: string;
  gpus?: string;
}

// Published sizes of the sandbox-capable bare-metal types; anything else gets a small default.
const CAPACITY: Readonly<Record<string, Capacity>> = {
  'ecs.ebmg5s.24xlarge': { cpu: '96', memory: '384Gi' },
  'ecs.ebmc5s.24xlarge': { cpu: '96', memory: '192Gi' },
  'ecs.ebmgn6i.24xlarge': { cpu: '96', memory: '384Gi', gpus: '4' },
};
const DEFAULT_CAPACITY: Capacity = { cpu: '8', memory: '32Gi' };

export function providerIdOf(instance: InstanceRecord): string {
  return `${instance.regionId}.${instance.instanceId}`;
}

export function buildNode(instance: InstanceRecord, cluster: ClusterRecord): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: instance.nodeName,
      labels: nodeLabels(instance, cluster),
      annotations: {
        'csi.volume.kubernetes.io/nodeid': JSON.stringify({ 'diskplugin.csi.alibabacloud.com': instance.instanceId }),
        [`${SIMULATOR_ANNOTATION_PREFIX}/task-id`]: instance.taskId,
        [`${SIMULATOR_ANNOTATION_PREFIX}/instance-id`]: instance.instanceId,
      },
    },
    spec: {
      providerID: providerIdOf(instance),
      ...(instance.taints.length > 0 ? { taints: instance.taints.map((taint) => ({ ...taint })) } : {}),
    },
  };
}

function resources(instanceType: string): Record<string, string> {
  const capacity = CAPACITY[instanceType] ?? DEFAULT_CAPACITY;
  return {
    cpu: capacity.cpu,
    memory: capacity.memory,
    pods: '110',
    'ephemeral-storage': '200Gi',
    ...(capacity.gpus ? { 'nvidia.com/gpu': capacity.gpus } : {}),
  };
}

function readyCondition(ready: boolean, now: Date): NonNullable<V1NodeStatus['conditions']>[number] {
  return {
    type: 'Ready',
    status: ready ? 'True' : 'False',
    reason: ready ? 'KubeletReady' : 'KubeletNotReady',
    message: ready
      ? 'kubelet is posting ready status'
      : 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady',
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  };
}

function pressureCondition(type: string, reason: string, now: Date): NonNullable<V1NodeStatus['conditions']>[number] {
  return { type, status: 'False', reason, message: `kubelet has no ${type}`, lastHeartbeatTime: now, lastTransitionTime: now };
}

export function buildNodeStatus(instance: InstanceRecord, cluster: ClusterRecord, nowMs: number): V1NodeStatus {
  const now = new Date(Math.floor(nowMs / 1000) * 1000);
  const capacity = resources(instance.instanceType);
  return {
    conditions: [
      pressureCondition('MemoryPressure', 'KubeletHasSufficientMemory', now),
      pressureCondition('DiskPressure', 'KubeletHasNoDiskPressure', now),
      pressureCondition('PIDPressure', 'KubeletHasSufficientPID', now),
      readyCondition(instance.join === 'ready', now),
    ],
    addresses: [
      { type: 'InternalIP', address: instance.privateIp },
      { type: 'Hostname', address: instance.nodeName },
    ],
    capacity,
    allocatable: capacity,
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: instance.instanceId.slice(2).padEnd(32, '0'),
      systemUUID: instance.instanceId,
      bootID: instance.taskId,
      kernelVersion: '5.10.134-16.3.al8.x86_64',
      osImage: 'Alibaba Cloud Linux 3 (Soaring Falcon)',
      containerRuntimeVersion: 'containerd://1.6.28',
      kubeletVersion: cluster.config.kubeletVersion,
      kubeProxyVersion: cluster.config.kubeletVersion,
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}
