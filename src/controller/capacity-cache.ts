// The reconciler's view of the informer caches: a SandboxCapacity by key (it may live in any of the
// per-namespace informers), and the Nodes its selector picks, in the planner's ObservedNode form.
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { Informer } from '../kube/informer.js';
import type { TrimmedNode } from '../kube/node-trim.js';
import { matchesSelector, toObservedNode, type ObservedNode } from './core/index.js';
import type { CapacityCache } from './ports.js';

export class InformerCapacityCache implements CapacityCache {
  constructor(private readonly capacities: readonly Informer<SandboxCapacity>[], private readonly nodes: Informer<TrimmedNode>) {}

  get(key: string): SandboxCapacity | undefined {
    for (const informer of this.capacities) {
      const found = informer.get(key);
      if (found) return found;
    }
    return undefined;
  }

  all(): SandboxCapacity[] {
    return this.capacities.flatMap((informer) => informer.list());
  }

  matchingNodes(capacity: SandboxCapacity): ObservedNode[] {
    return this.nodes.list()
      .filter((node) => matchesSelector(capacity.spec.nodeSelector, node.metadata.labels ?? {}))
      .map((node) => toObservedNode(node, capacity.spec.zoneLabel));
  }

  /** Resources whose selector picks any of these Nodes: the keys a Node change concerns. */
  selecting(nodes: readonly TrimmedNode[]): SandboxCapacity[] {
    return this.all().filter((sc) => nodes.some((node) => matchesSelector(sc.spec.nodeSelector, node.metadata.labels ?? {})));
  }
}
