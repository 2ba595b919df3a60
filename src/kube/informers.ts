// The two informers the controller runs: label-selected, trimmed Nodes (cluster-scoped) and
// SandboxCapacities (one namespace, or all).
import { CLUSTER_ID_LABEL, GROUP, PLURAL, VERSION, type SandboxCapacity } from '../api/sandbox-capacity.js';
import { Informer, type InformerOptions } from './informer.js';
import type { CachedObject } from './informer-store.js';
import { LabelIndex } from './label-index.js';
import type { RawObject } from './list-watch-transport.js';
import { trimNode, type TrimmedNode } from './node-trim.js';
import { StringPool } from './string-pool.js';

type CommonOptions = Omit<InformerOptions<CachedObject>, 'name' | 'path' | 'transform' | 'index'>;

export const NODES_PATH = '/api/v1/nodes';

export function sandboxCapacityPath(namespace?: string): string {
  const scope = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `/apis/${GROUP}/${VERSION}${scope}/${PLURAL}`;
}

/** Nodes matching labelSelector (pass the sandbox-runtime selector), trimmed to TrimmedNode; `index` follows the cache. */
export function createNodeInformer(options: CommonOptions & { index?: LabelIndex<TrimmedNode> }): Informer<TrimmedNode> {
  const pool = new StringPool();
  return new Informer<TrimmedNode>({ ...options, name: 'nodes', path: NODES_PATH, transform: (obj) => trimNode(obj, pool) });
}

/** The Node cache's index by label: the cluster id always, other keys when a selector first asks for them. */
export function createNodeLabelIndex(): LabelIndex<TrimmedNode> {
  return new LabelIndex<TrimmedNode>((node) => node.metadata.labels, [CLUSTER_ID_LABEL]);
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A SandboxCapacity as the controller keeps it: without metadata.managedFields (the server's
 * bookkeeping of who set which field, often larger than the spec) and without kubectl's
 * last-applied copy of the whole object. Nothing reads them, and a status write that omits
 * managedFields leaves the server's as they are.
 */
export function trimSandboxCapacity(obj: RawObject): SandboxCapacity {
  const capacity = obj as unknown as SandboxCapacity;
  const metadata: SandboxCapacity['metadata'] & { managedFields?: unknown } = { ...capacity.metadata };
  delete metadata.managedFields;
  if (metadata.annotations?.[LAST_APPLIED] !== undefined) {
    metadata.annotations = Object.fromEntries(Object.entries(metadata.annotations).filter(([key]) => key !== LAST_APPLIED));
  }
  return { ...capacity, metadata };
}

/** SandboxCapacities in `namespace`, or in all namespaces when it is omitted. */
export function createSandboxCapacityInformer(options: CommonOptions & { namespace?: string }): Informer<SandboxCapacity> {
  const { namespace, ...rest } = options;
  return new Informer<SandboxCapacity>({
    ...rest,
    name: namespace ? `sandboxcapacities/${namespace}` : 'sandboxcapacities',
    path: sandboxCapacityPath(namespace),
    transform: trimSandboxCapacity,
  });
}
