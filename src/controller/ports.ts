// What the reconciler depends on, as named ports: each is one concept the composition root wires to
// a real implementation (controller.ts, operator.ts) and a test may wire to its own.
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { CallBudget } from '../cloud/call-budget.js';
import type { AckApiFactory } from '../cloud/client-factory.js';
import type { ClusterIdentity, ObservedNode, Overlaps } from './core/index.js';
import type { SecretReader } from './references.js';

/** The informer caches as the reconciler reads them. */
export interface CapacityCache {
  /** The SandboxCapacity with this "namespace/name" key, as last seen by the watch. */
  get(key: string): SandboxCapacity | undefined;
  /** The Nodes the resource counts (selected by spec.nodeSelector, not another cluster's; deleting ones included). */
  matchingNodes(capacity: SandboxCapacity): ObservedNode[];
  /** The cluster this operator runs in: --cluster-id, or learned from the watched Nodes. */
  clusterIdentity(): ClusterIdentity;
  /** Other resources of the same cluster whose selectors may pick the same Nodes. */
  overlaps(capacity: SandboxCapacity): Overlaps;
}

/** One Node's labels read from the API server by name (undefined: no such Node) — to explain an unjoined instance. */
export interface NodeReader {
  labelsOf(name: string): Promise<Readonly<Record<string, string>> | undefined>;
}

/** What the reconciler reads from the API server outside its caches: Secrets it refers to, a Node by name. */
export interface ApiReads {
  secrets: SecretReader;
  nodes: NodeReader;
}

/** Whether this replica still holds the leader lease: checked right before every cloud mutation. */
export interface LeaderFence {
  isLeading(): boolean;
}

/** ACK: a client per region and credential, and the global call budget every call waits for. */
export interface CloudAccess {
  clients: AckApiFactory;
  budget: CallBudget;
}
