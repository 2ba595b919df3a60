// The planner's view of a Node: only what counting, join matching and zone balancing need, so the shell
// can keep a trimmed cache of thousands of Nodes.
import type { ObservedNode } from './types.js';

/**
 * ECS instance id from a Node's spec.providerID. ACK writes `<region>.<instance-id>`
 * (cn-hangzhou.i-8vb2y0cdlriptkfer0ir); the cloud controller manager also accepts
 * `alicloud://<region>.<instance-id>`. Anything else → undefined (the Node then never matches a task).
 */
export function parseInstanceId(providerID: string | undefined): string | undefined {
  if (providerID === undefined) return undefined;
  const withoutScheme = providerID.replace(/^alicloud:\/\//, '');
  if (withoutScheme.includes('://')) return undefined;
  const dot = withoutScheme.indexOf('.');
  if (dot <= 0) return undefined;
  const instanceId = withoutScheme.slice(dot + 1);
  return instanceId === '' || instanceId.includes('.') || instanceId.includes('/') ? undefined : instanceId;
}

/** What the planner reads of a Node: satisfied by client-node's V1Node and by the informer's trimmed Node. */
export interface NodeLike {
  metadata?: { name?: string; labels?: Record<string, string>; deletionTimestamp?: unknown };
  spec?: { providerID?: string };
  status?: { conditions?: readonly { type?: string; status?: string }[] };
}

export function toObservedNode(node: NodeLike, zoneLabel: string): ObservedNode {
  const observed: ObservedNode = {
    name: node.metadata?.name ?? '',
    ready: isReady(node),
    deleting: node.metadata?.deletionTimestamp !== undefined,
  };
  const instanceId = parseInstanceId(node.spec?.providerID);
  if (instanceId !== undefined) observed.instanceId = instanceId;
  const zone = node.metadata?.labels?.[zoneLabel];
  if (zone !== undefined && zone !== '') observed.zone = zone;
  return observed;
}

function isReady(node: NodeLike): boolean {
  return (node.status?.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True');
}
