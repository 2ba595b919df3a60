// Data shapes shared by the pure controller core. The core reads these, returns these, and never
// performs I/O: the imperative shell (reconciler) turns them into API calls, status patches and Events.
import type { LastDecision, SandboxCapacity, SandboxCapacityStatus } from '../../api/sandbox-capacity.js';
import type { EventReason } from './reasons.js';

/** A point in time: a Date or epoch milliseconds. Every time-dependent function takes one. */
export type Instant = Date | number;

/** Source of randomness in [0, 1), injected so jitter is deterministic in tests. */
export type Random = () => number;

/** The minimal view of a Kubernetes Node the planner needs (see toObservedNode). */
export interface ObservedNode {
  name: string;
  /** ECS instance id parsed from spec.providerID, when it has an Alibaba Cloud format. */
  instanceId?: string;
  /** Value of spec.zoneLabel on the Node. */
  zone?: string;
  /** Ready condition is True. */
  ready: boolean;
  /** metadata.deletionTimestamp is set. */
  deleting: boolean;
}

/** A precondition the shell found unmet (missing Secret, missing key): stalls the resource, nothing is requested. */
export interface Blocked {
  reason: string;
  message: string;
}

export interface PlanInput {
  /** The resource as read from the cache; its status is the previous status. */
  capacity: SandboxCapacity;
  /** Nodes matching spec.nodeSelector (deleting ones included; the planner tells them apart). */
  nodes: readonly ObservedNode[];
  now: Instant;
  random: Random;
  /** Report what would be requested, never request it. */
  dryRun?: boolean;
  blocked?: Blocked;
  /** vSwitch → zone pairs learned earlier (Decision.vswitchZones), used when tasks no longer prove them. */
  knownVSwitchZones?: Readonly<Record<string, string>>;
  /**
   * ACK has refused a request as "cluster busy" while one of our own tasks ran on the cluster
   * (refusedWhileOwnTaskRuns): request one task at a time from then on.
   */
  oneTaskAtATime?: boolean;
}

export type EventType = 'Normal' | 'Warning';

export interface PlannedEvent {
  type: EventType;
  reason: EventReason;
  message: string;
}

/** The one ScaleOutCluster call to make now; its intent record (state Requesting) is already in Decision.status. */
export interface ScaleOutRequest {
  intentId: string;
  count: number;
  vswitchIds: string[];
  /** Node tag to send with the request so recovery can recognise the task (resolveIntent). */
  intentTag: { key: string; value: string };
}

export interface Decision {
  /** The complete next status, to persist (before the call when scaleOut is set). */
  status: SandboxCapacityStatus;
  /** Events for transitions observed in this plan; empty when nothing changed. */
  events: PlannedEvent[];
  scaleOut?: ScaleOutRequest;
  /** Task ids in state running/timedOut; poll those that isPollDue says are due. Empty when nothing is in flight. */
  pollTaskIds: string[];
  /** Intent ids in state Requesting: recover them (DescribeClusterTasks + recoverIntent) before the next decision. */
  recoverIntentIds: string[];
  /** When to reconcile again at the latest; undefined: only on change or the periodic resync. */
  requeueAfterMs?: number;
  /** vSwitch → zone map learned so far (pass back as PlanInput.knownVSwitchZones). */
  vswitchZones: Record<string, string>;
}

/** What the decision rules concluded; becomes status.lastDecision and drives the conditions. */
export interface Verdict extends LastDecision {
  /** vSwitches of the (would-be) request. */
  vswitchIds?: string[];
}

/** Result of folding a cloud answer into the status. */
export interface Outcome {
  status: SandboxCapacityStatus;
  events: PlannedEvent[];
}
