// The labels ACK puts on a sandboxed-container worker (ack-api.md §9), plus the request's tags.
import type { ClusterRecord } from './clusters.js';
import type { InstanceRecord } from './instances.js';

export const SANDBOX_RUNTIME = 'Sandboxed-Container.runv';
export const CONTAINERD_RUNTIME = 'containerd';
export const CONTAINER_RUNTIMES = [SANDBOX_RUNTIME, CONTAINERD_RUNTIME] as const;
export type ContainerRuntime = (typeof CONTAINER_RUNTIMES)[number];

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isValidLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefixOk = prefix === undefined || (prefix.length <= 253 && LABEL_PREFIX.test(prefix));
  return prefixOk && LABEL_NAME.test(name);
}

export function isValidLabelValue(value: string): boolean {
  return value === '' || LABEL_NAME.test(value);
}

/** Tags that cannot be Kubernetes labels are left out (and reported by the caller). */
export function tagLabels(instance: InstanceRecord): { labels: Record<string, string>; skipped: string[] } {
  const labels: Record<string, string> = {};
  const skipped: string[] = [];
  for (const [key, value] of Object.entries(instance.tags)) {
    if (isValidLabelKey(key) && isValidLabelValue(value)) {
      labels[key] = value;
    } else {
      skipped.push(key);
    }
  }
  return { labels, skipped };
}

/** Runtime and pool come from the instance (its node pool's, or the cluster's for ScaleOutCluster). */
export function systemLabels(instance: InstanceRecord, cluster: ClusterRecord): Record<string, string> {
  const { config } = cluster;
  const runtime: Record<string, string> =
    instance.runtime === SANDBOX_RUNTIME
      ? { 'alibabacloud.com/container-runtime': SANDBOX_RUNTIME, 'alibabacloud.com/sandboxed-container': SANDBOX_RUNTIME }
      : { 'alibabacloud.com/container-runtime': CONTAINERD_RUNTIME };
  return {
    ...runtime,
    'alibabacloud.com/container-runtime-version': instance.runtimeVersion,
    'alibabacloud.com/nodepool-id': instance.nodepoolId,
    'ack.aliyun.com': config.clusterId,
    'topology.kubernetes.io/region': config.regionId,
    'topology.kubernetes.io/zone': instance.zone,
    'node.kubernetes.io/instance-type': instance.instanceType,
    'kubernetes.io/hostname': instance.nodeName,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
  };
}

/** Tags first, so a tag can never override what ACK itself sets; a node-mislabelled fault last. */
export function nodeLabels(instance: InstanceRecord, cluster: ClusterRecord): Record<string, string> {
  return { ...tagLabels(instance).labels, ...systemLabels(instance, cluster), ...instance.labelOverrides };
}
