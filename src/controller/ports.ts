// What the reconciler depends on, as named ports: each is one concept the composition root wires to
// a real implementation (controller.ts, operator.ts) and a test may wire to its own.
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { CallBudget } from '../cloud/call-budget.js';
import type { AckApiFactory } from '../cloud/client-factory.js';
import type { ObservedNode } from './core/index.js';

/** The informer caches as the reconciler reads them. */
export interface CapacityCache {
  /** The SandboxCapacity with this "namespace/name" key, as last seen by the watch. */
  get(key: string): SandboxCapacity | undefined;
  /** The Nodes the resource's spec.nodeSelector selects (deleting ones included), as the planner sees them. */
  matchingNodes(capacity: SandboxCapacity): ObservedNode[];
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
