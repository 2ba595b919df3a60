// What the controller keeps of a Node: identity, labels (selector and zone), deletion state,
// providerID (to match instance ids of finished tasks) and the Ready condition. A full Node is
// ~10–20 KiB of JSON (images, addresses, capacity, managed fields); this is a few hundred bytes,
// so a 5,000-node cluster costs a few MiB instead of hundreds.
import { jsonEqual } from './json-equal.js';
import type { RawObject } from './list-watch-transport.js';
import { StringPool } from './string-pool.js';

export interface NodeReadyCondition {
  type: 'Ready';
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
}

export interface TrimmedNode {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: {
    name: string;
    uid?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
  };
  spec: { providerID?: string };
  status: { conditions: NodeReadyCondition[] };
}

interface RawNode {
  metadata?: {
    name?: string;
    uid?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    creationTimestamp?: string | Date | null;
    deletionTimestamp?: string | Date | null;
  };
  spec?: { providerID?: string };
  status?: { conditions?: { type?: string; status?: string; lastTransitionTime?: string | Date | null }[] };
}

/** The server writes unset times as null; typed clients turn times into Dates. */
function timestamp(value: string | Date | null | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : value.toISOString();
}

function readyConditions(node: RawNode, pool: StringPool): NodeReadyCondition[] {
  const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
  if (!ready) return [];
  const status = ready.status === 'True' || ready.status === 'False' ? ready.status : 'Unknown';
  const lastTransitionTime = timestamp(ready.lastTransitionTime);
  return [{ type: 'Ready', status, ...(lastTransitionTime ? { lastTransitionTime: pool.intern(lastTransitionTime) } : {}) }];
}

/** Label values through the pool; the host name label is usually the Node's own name, kept once. */
function pooledLabels(labels: Record<string, string>, name: string, pool: StringPool): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) copy[key] = value === name ? name : pool.intern(value);
  return copy;
}

/**
 * Drops everything but the fields listed in TrimmedNode (copies; the input is not kept). Nodes
 * trimmed with the same pool share their repeated label values (one pool per informer).
 */
export function trimNode(obj: RawObject, pool: StringPool = new StringPool()): TrimmedNode {
  const node = obj as unknown as RawNode;
  const meta = node.metadata ?? {};
  const metadata: TrimmedNode['metadata'] = { name: meta.name ?? '' };
  if (meta.uid) metadata.uid = meta.uid;
  if (meta.labels) metadata.labels = pooledLabels(meta.labels, metadata.name, pool);
  if (meta.resourceVersion) metadata.resourceVersion = meta.resourceVersion;
  const created = timestamp(meta.creationTimestamp);
  if (created) metadata.creationTimestamp = created;
  const deleted = timestamp(meta.deletionTimestamp);
  if (deleted) metadata.deletionTimestamp = deleted;
  const providerID = node.spec?.providerID;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata,
    spec: providerID ? { providerID } : {},
    status: { conditions: readyConditions(node, pool) },
  };
}

/** The trimmed conditions hold only Ready, so any True condition is Ready=True. */
export function isNodeReady(node: TrimmedNode): boolean {
  return node.status.conditions.some((condition) => condition.status === 'True');
}

/**
 * Whether the controller can tell the two versions apart. A kubelet posts its Node's status every
 * few minutes with only heartbeat times changed: with 5,000 Nodes that is ~17 updates a second that
 * differ in resourceVersion alone once trimmed, and none of them can change a decision.
 */
export function sameForController(a: TrimmedNode, b: TrimmedNode): boolean {
  return jsonEqual({ ...a, metadata: { ...a.metadata, resourceVersion: undefined } }, { ...b, metadata: { ...b.metadata, resourceVersion: undefined } });
}
