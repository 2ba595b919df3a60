// The planner's view of Nodes: which Nodes a resource counts (label selectors with Kubernetes
// semantics, and their string form for status.selector and the scale subresource), and what it reads
// of each (ObservedNode: instance id, zone, Ready, being deleted) — only what counting, join matching
// and zone balancing need, so the shell can keep a trimmed cache of thousands of Nodes.
import { NODE_POOL_LABEL, type LabelSelector, type LabelSelectorRequirement, type SandboxCapacitySpec } from '../../api/sandbox-capacity.js';
import type { ObservedNode } from './types.js';

const counted = new WeakMap<SandboxCapacitySpec, LabelSelector>();

/**
 * The selector of the Nodes a resource counts. ScaleOutCluster mode: spec.nodeSelector. Node-pool
 * mode: spec.nodeSelector (CRD default: the sandbox runtime label) and the pool's label
 * alibabacloud.com/nodepool-id: <id> — always, since in-flight is the pool's desired size less its
 * live Nodes, and a Node of another pool would make that count wrong. A CRD default cannot depend on
 * another field, so the pool label is added here rather than defaulted by the API server.
 */
export function countedSelector(spec: SandboxCapacitySpec): LabelSelector {
  const pool = spec.nodePool?.id;
  if (pool === undefined) return spec.nodeSelector;
  let selector = counted.get(spec);
  if (selector === undefined) {
    selector = { ...spec.nodeSelector, matchLabels: { ...spec.nodeSelector.matchLabels, [NODE_POOL_LABEL]: pool } };
    counted.set(spec, selector);
  }
  return selector;
}

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

// Label selectors.

type Labels = Readonly<Record<string, string>> | undefined;

/** True when the labels satisfy every matchLabels entry and every matchExpressions requirement. An empty selector matches everything. */
export function matchesSelector(selector: LabelSelector, labels: Labels): boolean {
  const present = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (present[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((requirement) => matchesRequirement(requirement, present));
}

function matchesRequirement(requirement: LabelSelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, requirement.key);
  const value = labels[requirement.key];
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      return has && value !== undefined && values.includes(value);
    case 'NotIn':
      return !has || value === undefined || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** Kubernetes' string form: requirements sorted by key, e.g. "a=b,c in (d,e),!f,g". Empty selector → "". */
export function selectorToString(selector: LabelSelector): string {
  const parts: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    parts.push({ key, text: `${key}=${value}` });
  }
  for (const requirement of selector.matchExpressions ?? []) {
    parts.push({ key: requirement.key, text: requirementToString(requirement) });
  }
  return parts
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((part) => part.text)
    .join(',');
}

function requirementToString(requirement: LabelSelectorRequirement): string {
  const values = [...(requirement.values ?? [])].sort().join(',');
  switch (requirement.operator) {
    case 'In':
      return `${requirement.key} in (${values})`;
    case 'NotIn':
      return `${requirement.key} notin (${values})`;
    case 'Exists':
      return requirement.key;
    case 'DoesNotExist':
      return `!${requirement.key}`;
  }
}
