// Data shapes shared by the pure controller core. The core reads these, returns these, and never
// performs I/O: the imperative shell (reconciler) turns them into API calls, status patches and Events.
import type { LastDecision, SandboxCapacity, SandboxCapacityStatus } from '../../api/sandbox-capacity.js';
import type { UnjoinedPlace } from './counting.js';
import type { PodSnapshot } from './scale-in-candidates.js';
import type { ScaleInActions } from './scale-in.js';
import type { ClusterIdentity, Overlaps } from './ownership.js';
import type { EventReason, Reason } from './reasons.js';

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
  /** The resource as read from the cache, with the cloud's answers of this reconcile folded in; its status is the previous status. */
  capacity: SandboxCapacity;
  /** Nodes matching spec.nodeSelector (deleting ones included; the planner tells them apart). */
  nodes: readonly ObservedNode[];
  now: Instant;
  random: Random;
  /** Report what would be requested, never request it. */
  dryRun?: boolean;
  blocked?: Blocked;
  /**
   * ACK has refused a request as "cluster busy" while one of our own tasks ran on the cluster
   * (refusedWhileOwnTaskRuns): request one task at a time from then on.
   */
  oneTaskAtATime?: boolean;
  /** The cluster this operator runs in (ownership.ts clusterIdentity); undefined: not checked. */
  cluster?: ClusterIdentity;
  /** Other resources whose selectors may pick the same Nodes (ownership.ts overlapsOf); undefined: none. */
  overlaps?: Overlaps;
  /** resourceVersion of the credentials Secret, when the shell read it in this reconcile. */
  credentialsVersion?: string;
  /** Counted Nodes seen by the previous reconcile and gone now (deleted): said in an Event. */
  goneNodes?: readonly { name: string; instanceId?: string }[];
  /** Scale-in: the pods of the counted Nodes and their budgets, listed only when scaleInNeedsPods said so. */
  pods?: PodSnapshot;
}

export type EventType = 'Normal' | 'Warning';

export interface PlannedEvent {
  type: EventType;
  reason: EventReason;
  message: string;
}

/** A request as the planner decides it, backend-neutrally: how many nodes, and where they should go. */
export interface RequestShape {
  count: number;
  /** The vSwitches the request targets (ScaleOutCluster). */
  targets: string[];
}

/** Where a backend's placement puts the next request, and how many of the shortfall it gives that place. */
export interface Placement {
  targets: string[];
  /** Nodes the placement gives these targets before the per-request and in-flight caps. */
  allocation: number;
}

/** The one ScaleOutCluster call to make now; its intent record (state Requesting) is already in Decision.status. */
export interface ScaleOutRequest {
  intentId: string;
  count: number;
  vswitchIds: string[];
  /** Node tag to send with the request so recovery can recognise the task (resolveIntent). */
  intentTag: { key: string; value: string };
  /** Node tag naming the resource, so a re-created resource adopts the task (recovery.ts adoptOwnTasks). */
  ownerTag: { key: string; value: string };
}

/** The one ModifyClusterNodePool call to make now (node-pool mode); its lastWrite is already in Decision.status. */
export interface NodePoolWrite {
  nodepoolId: string;
  /** The absolute desired size to write (only ever raised in this version). */
  desiredSize: number;
  /** The pool's desired size as last read. */
  previousSize: number;
}

/** Reasons a backend may hold new requests for (wait, no timer of its own). */
export type HoldReason = typeof Reason.ClusterBusy | typeof Reason.NodePoolBusy | typeof Reason.NodePoolDriftDetected;

/**
 * One capacity backend's record of its requests, as the planner sees it — the seam between the
 * backend-neutral planner (plan.ts, verdict.ts) and a backend (scale-out-cluster.ts today). A backend
 * provides one of these per plan, built from the resource, the observed Nodes and the time.
 */
export interface Ledger {
  /** Nodes requested and not yet joined, after the time-outs and joins observed now. */
  inFlight: number;
  /** Labels of the requests in flight, for messages. */
  inFlightLabels: string[];
  /** Requests whose outcome is unknown (nothing more is requested until they are resolved), and what is being done about it. */
  unresolved?: { ids: string[]; message: string };
  /** Delivered places not joined after the join grace period, oldest first: they keep counting in `inFlight`. */
  unjoined: UnjoinedPlace[];
  /** Set when every place a request could go to is out of stock. */
  outOfStock?: { message: string; untilMs: number };
  /** A backend's own reason to wait before requesting (e.g. ACK busy with our own task). */
  hold?: { reason: HoldReason; message: string };
  /** A backend's own reason that nothing can be requested until something changes (node pool gone, not eligible, scale-up stalled). */
  stalled?: { reason: string; message: string };
  /** Transitions the backend observed (e.g. TaskTimedOut). */
  events: PlannedEvent[];
  /** Where the next request for `shortfall` nodes goes; undefined when nowhere is configured or available. */
  place(shortfall: number): Placement | undefined;
  /** The status with the ledger brought up to date and, when `request` is given, its intent recorded (the request to execute). */
  commit(status: SandboxCapacityStatus, request: RequestShape | undefined, random: Random): LedgerCommit;
}

export interface LedgerCommit {
  status: SandboxCapacityStatus;
  /** Milliseconds from now at which the ledger wants another look (polls, recoveries, join deadlines). */
  wakeUpsMs: number[];
  request?: ScaleOutRequest;
  poolWrite?: NodePoolWrite;
}

export interface Decision {
  /** The complete next status, to persist (before the call when `request` is set). */
  status: SandboxCapacityStatus;
  /** Events for transitions observed in this plan; empty when nothing changed. */
  events: PlannedEvent[];
  /** The one cloud request to make now; its intent is already in `status`. */
  request?: ScaleOutRequest;
  /** Node-pool mode: the one desired-size write to make now; its lastWrite is already in `status`. */
  poolWrite?: NodePoolWrite;
  /** Scale-in: what to do once `status` is written (cordon and evict, uncordon, ask ACK to remove). */
  scaleIn?: ScaleInActions;
  /** When to reconcile again at the latest; undefined: only on change or the periodic resync. */
  requeueAfterMs?: number;
}

/** What the decision rules concluded; becomes status.lastDecision and drives the conditions. */
export interface Verdict extends LastDecision {
  /** Targets of the (would-be) request. */
  targets?: string[];
}

/** Result of folding a cloud answer into the status. */
export interface Outcome {
  status: SandboxCapacityStatus;
  events: PlannedEvent[];
}
