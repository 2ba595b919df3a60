// The reconciler's view of the informer caches: a SandboxCapacity by key (it may live in any of the
// per-namespace informers), the Nodes it counts in the planner's ObservedNode form, the cluster the
// operator runs in (--cluster-id, or the one ack.aliyun.com value of the watched Nodes), and the other
// resources whose selectors may pick the same Nodes. With the Node cache's label index, a resource's
// Nodes and the cluster ids are read from the index: a reconcile touches the Nodes it may count, not
// every Node of the cluster.
import { CLUSTER_ID_LABEL, type SandboxCapacity } from '../api/sandbox-capacity.js';
import type { LabelIndex } from '../kube/label-index.js';
import type { TrimmedNode } from '../kube/node-trim.js';
import { clusterIdentity, countedSelector, countsFor, matchesSelector, overlapsOf, toObservedNode, type ClusterIdentity, type ObservedNode, type Overlaps } from './core/index.js';
import type { CapacityCache } from './ports.js';
import { selectorCandidates } from './selector-candidates.js';

/** What the cache reads of an informer: its objects, and one by key. */
interface CacheView<T> { list(): T[]; get(key: string): T | undefined }

export class InformerCapacityCache implements CapacityCache {
  constructor(
    private readonly capacities: readonly CacheView<SandboxCapacity>[],
    private readonly nodes: CacheView<TrimmedNode>,
    private readonly clusterIdFlag: readonly string[],
    private readonly nodeIndex?: LabelIndex<TrimmedNode>,
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
    const matching: ObservedNode[] = [];
    for (const node of this.candidateNodes(capacity)) {
      if (countsFor(capacity, node.metadata.labels)) matching.push(toObservedNode(node, capacity.spec.zoneLabel));
    }
    return matching;
  }

  clusterIdentity(): ClusterIdentity {
    if (this.clusterIdFlag.length > 0) return clusterIdentity(this.clusterIdFlag, []);
    const ids = this.nodeIndex ? this.nodeIndex.valuesOf(CLUSTER_ID_LABEL).keys() : this.nodes.list().map((node) => node.metadata.labels?.[CLUSTER_ID_LABEL]);
    return clusterIdentity(this.clusterIdFlag, ids);
  }

  overlaps(capacity: SandboxCapacity): Overlaps {
    return overlapsOf(capacity, this.all());
  }

  /** The cached Nodes the resource's selector may pick: from the index when it has an equality term, else all. */
  private *candidateNodes(capacity: SandboxCapacity): Iterable<TrimmedNode> {
    const keys = this.nodeIndex ? selectorCandidates(capacity.spec.nodeSelector, this.nodeIndex) : undefined;
    if (keys === undefined) {
      yield* this.nodes.list();
      return;
    }
    for (const key of keys) {
      const node = this.nodes.get(key);
      if (node) yield node;
    }
  }

  /** Resources whose selector picks any of these Nodes: the keys a Node change concerns. */
  selecting(nodes: readonly TrimmedNode[]): SandboxCapacity[] {
    return this.all().filter((sc) => nodes.some((node) => matchesSelector(countedSelector(sc.spec), node.metadata.labels ?? {})));
  }
}
