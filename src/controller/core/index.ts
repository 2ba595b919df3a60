// The public surface of the controller's functional core: what the reconciler (the imperative shell) uses.
export { plan, refusedWhileOwnTaskRuns } from './plan.js';
export { recordScaleOutAccepted, recordScaleOutFailed, type AcceptedIds } from './scale-out-outcome.js';
export { foldTaskInfo } from './task-fold.js';
export { recoverIntent, type RecoverOptions } from './intent-recovery.js';
export { resolveIntent, intentTagOf, type ClusterTask, type IntentResolution, type ResolveOptions } from './recovery.js';
export { applyTaskInfo, type TaskInfo, type TaskTransition } from './task-info.js';
export { isPollDue, nextPollInMs, pollIntervalMs } from './requeue.js';
export { toObservedNode, parseInstanceId, type NodeLike } from './nodes.js';
export { matchesSelector, selectorToString } from './selector.js';
export { parseDuration, tryParseDuration, formatDuration } from './durations.js';
export { toBlocked } from './blocked.js';
export { ConditionType, Reason, EventReason, CLOUD_STALL_REASONS } from './reasons.js';
export * from './constants.js';
export type * from './types.js';
