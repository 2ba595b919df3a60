// The two informers the controller runs: label-selected, trimmed Nodes (cluster-scoped) and
// SandboxCapacities (one namespace, or all).
import { GROUP, PLURAL, VERSION, type SandboxCapacity } from '../api/sandbox-capacity.js';
import { Informer, type InformerOptions } from './informer.js';
import type { CachedObject } from './informer-store.js';
import { trimNode, type TrimmedNode } from './node-trim.js';

type CommonOptions = Omit<InformerOptions<CachedObject>, 'name' | 'path' | 'transform'>;

export const NODES_PATH = '/api/v1/nodes';

export function sandboxCapacityPath(namespace?: string): string {
  const scope = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `/apis/${GROUP}/${VERSION}${scope}/${PLURAL}`;
}

/** Nodes matching labelSelector (pass the sandbox-runtime selector), trimmed to TrimmedNode. */
export function createNodeInformer(options: CommonOptions): Informer<TrimmedNode> {
  return new Informer<TrimmedNode>({ ...options, name: 'nodes', path: NODES_PATH, transform: trimNode });
}

/** SandboxCapacities in `namespace`, or in all namespaces when it is omitted. */
export function createSandboxCapacityInformer(options: CommonOptions & { namespace?: string }): Informer<SandboxCapacity> {
  const { namespace, ...rest } = options;
  return new Informer<SandboxCapacity>({
    ...rest,
    name: namespace ? `sandboxcapacities/${namespace}` : 'sandboxcapacities',
    path: sandboxCapacityPath(namespace),
    transform: (obj) => obj as unknown as SandboxCapacity,
  });
}
