// The reconciler's view of the informer caches: a SandboxCapacity by key (it may live in any of the
// per-namespace informers), the Nodes it counts in the planner's ObservedNode form, the cluster the
// operator runs in (--cluster-id, or the one ack.aliyun.com value of the watched Nodes), and the other
// resources whose selectors may pick the same Nodes.
import { CLUSTER_ID_LABEL, type SandboxCapacity } from '../api/sandbox-capacity.js';
import type { Informer } from '../kube/informer.js';
import type { TrimmedNode } from '../kube/node-trim.js';
import { clusterIdentity, countedSelector, countsFor, matchesSelector, overlapsOf, toObservedNode, type ClusterIdentity, type ObservedNode, type Overlaps } from './core/index.js';
import type { CapacityCache } from './ports.js';

export class InformerCapacityCache implements CapacityCache {
  constructor(
    private readonly capacities: readonly Informer<SandboxCapacity>[],
    private readonly nodes: Informer<TrimmedNode>,
    private readonly clusterIdFlag: readonly string[],
  ) {}

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
      .filter((node) => countsFor(capacity, node.metadata.labels))
      .map((node) => toObservedNode(node, capacity.spec.zoneLabel));
  }

  clusterIdentity(): ClusterIdentity {
    return clusterIdentity(this.clusterIdFlag, this.nodes.list().map((node) => node.metadata.labels?.[CLUSTER_ID_LABEL]));
  }

  overlaps(capacity: SandboxCapacity): Overlaps {
    return overlapsOf(capacity, this.all());
  }

  /** Resources whose selector picks any of these Nodes: the keys a Node change concerns. */
  selecting(nodes: readonly TrimmedNode[]): SandboxCapacity[] {
    return this.all().filter((sc) => nodes.some((node) => matchesSelector(countedSelector(sc.spec), node.metadata.labels ?? {})));
  }
}
