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
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

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
} as const;
export type EventReason = (typeof EventReason)[keyof typeof EventReason];
