// Every condition type, condition reason and Event reason the controller writes, in one place.
// Users, alerts and dashboards match on these strings: changing one is an API change.

export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** Reasons used in conditions and status.lastDecision. */
export const Reason = {
  // Progress and steady state
  NodesReady: 'NodesReady',
  SurplusNodes: 'SurplusNodes',
  ScalingOut: 'ScalingOut',
  WaitingForNodes: 'WaitingForNodes',
  WaitingForNodesReady: 'WaitingForNodesReady',
  OutcomeUnknown: 'OutcomeUnknown',
  BackingOff: 'BackingOff',
  ClusterBusy: 'ClusterBusy',
  InFlightLimit: 'InFlightLimit',
  /** Every listed vSwitch failed its last request for lack of capacity; retried at the earliest `until`. */
  OutOfStock: 'OutOfStock',
  /** metadata.deletionTimestamp is set: nothing new is requested; the finalizer waits for requests in flight. */
  Deleting: 'Deleting',
  Paused: 'Paused',
  DryRun: 'DryRun',
  NotStalled: 'NotStalled',
  // Stalls: the spec (or something it references) must change, or backoff.max must pass
  InvalidSpec: 'InvalidSpec',
  SecretNotFound: 'SecretNotFound',
  SecretKeyMissing: 'SecretKeyMissing',
  QuotaExceeded: 'QuotaExceeded',
  InvalidRequest: 'InvalidRequest',
  PermissionDenied: 'PermissionDenied',
  AuthenticationFailed: 'AuthenticationFailed',
  ClusterNotFound: 'ClusterNotFound',
  // Stalls that protect the bill: the operator cannot tell, so it stops buying and says why
  /** Delivered instances became Nodes that spec.nodeSelector does not select. */
  NodeSelectorMismatch: 'NodeSelectorMismatch',
  /** Delivered instances never became Nodes (kubelet or bootstrap failure). */
  NodesNotRegistered: 'NodesNotRegistered',
  /** spec.clusterId is not the cluster whose Nodes this operator watches. */
  ClusterMismatch: 'ClusterMismatch',
  /** The operator cannot tell which cluster it runs in (no --cluster-id, Nodes disagree or carry none). */
  ClusterUnknown: 'ClusterUnknown',
  /** An older resource of the same cluster may select the same Nodes. */
  OverlappingSelector: 'OverlappingSelector',
  // Node-pool mode
  /** The pool is not active (scaling, removing, …): its desired size is written once it is. */
  NodePoolBusy: 'NodePoolBusy',
  /** Someone else lowered the pool's desired size below the target and spec.nodePool.driftPolicy is Observe. */
  NodePoolDriftDetected: 'NodePoolDriftDetected',
  /** ACK has no such node pool in the cluster. */
  NodePoolNotFound: 'NodePoolNotFound',
  /** The pool is not ours to size (runtime, autoscaling, auto mode or type), named with its value. */
  NodePoolNotEligible: 'NodePoolNotEligible',
  /** Live Ready Nodes stayed below the written size past limits.taskTimeout, or the pool reports failed nodes. */
  ScaleUpStalled: 'ScaleUpStalled',
  // Scale-in (spec.scaleIn.enabled)
  /** Surplus Nodes are being drained and removed (status.scaleIn.removals). */
  ScalingIn: 'ScalingIn',
  /** A surplus Node cannot be removed now: a pod is protected (annotation, no controller, budget) or did not leave in time. */
  ScaleInBlocked: 'ScaleInBlocked',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** "1 node", "3 nodes": every count in a message goes through here. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Kubernetes Event reasons. */
export const EventReason = {
  ScaleOutRequested: 'ScaleOutRequested',
  ScaleOutSucceeded: 'ScaleOutSucceeded',
  ScaleOutFailed: 'ScaleOutFailed',
  TaskTimedOut: 'TaskTimedOut',
  BackingOff: 'BackingOff',
  SurplusNodes: 'SurplusNodes',
  TaskAdopted: 'TaskAdopted',
  IntentAbandoned: 'IntentAbandoned',
  Stalled: 'Stalled',
  /** Dry-run only: what would have been requested (emitted when that changes). */
  DryRun: 'DryRun',
  /** Delivered instances have not joined after the grace period (emitted when that set changes). */
  InstancesUnjoined: 'InstancesUnjoined',
  /** Another resource's selector may pick the same Nodes (emitted when the overlap changes). */
  OverlappingSelector: 'OverlappingSelector',
  /** A counted Node is gone (deleted), and whether a replacement is requested for it. */
  NodeDisappeared: 'NodeDisappeared',
  /** A vSwitch answered with a capacity failure and is skipped for a while. */
  OutOfStock: 'OutOfStock',
  /** A deleted resource let go of requests still in flight (annotation capacity.sandbox.dev/abandon-in-flight). */
  InFlightAbandoned: 'InFlightAbandoned',
  /** Node-pool mode: the pool's desired size was written (absolute). */
  NodePoolResized: 'NodePoolResized',
  /** Node-pool mode: a desired size this operator did not write (old and new values). */
  NodePoolDriftDetected: 'NodePoolDriftDetected',
  /** Node-pool mode: live Ready Nodes stay below the written size (ScaleUpStalled). */
  ScaleUpStalled: 'ScaleUpStalled',
  /** Scale-in: a surplus Node was chosen, recorded and cordoned; its pods are being evicted. */
  ScaleInStarted: 'ScaleInStarted',
  /** Scale-in: the Node's pods are gone; ACK is asked to remove and release its instance. */
  NodeDrained: 'NodeDrained',
  /** Scale-in: no surplus Node can be removed now (which pod, which budget), or a drain timed out. */
  ScaleInBlocked: 'ScaleInBlocked',
  /** Scale-in: the Node is gone and its instance removed. */
  ScaleInCompleted: 'ScaleInCompleted',
  /** Scale-in: a removal was given up before the call (replicas raised, paused, a scale-out in flight): uncordoned, nothing removed. */
  ScaleInAborted: 'ScaleInAborted',
} as const;
export type EventReason = (typeof EventReason)[keyof typeof EventReason];
