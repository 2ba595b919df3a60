// The public surface of the controller's functional core: what the imperative shell uses.
export { plan } from './plan.js';
export { refusedWhileOwnTaskRuns } from './scale-out-cluster.js';
export { recordScaleOutAccepted, recordScaleOutFailed, foldTaskInfo, type AcceptedIds, type TaskInfo } from './outcomes.js';
export { recoverIntent, resolveIntent, intentTagOf, CREATED_SKEW_ALLOWANCE_MS, INTENT_RECOVERY_WINDOW_MS, type ClusterTask, type RecoverOptions } from './recovery.js';
export { dueCloudWork, hasCloudWork, nextPollInMs, pollsToBringForward, type CloudWork, type ReadMemory } from './schedule.js';
export { toObservedNode, parseInstanceId, matchesSelector, selectorToString, countedSelector, type NodeLike } from './nodes.js';
export { clusterIdentity, clusterProblem, countsFor, overlapsOf, type ClusterIdentity, type Overlaps } from './ownership.js';
export { adoptOwnTasks, type OwnTaskCandidate } from './recovery.js';
export { foldUnjoinedLookups, type UnjoinedLookup } from './counting.js';
export { classifyAckTaskState, ownerTagValue, isUnfinished } from './tasks.js';
export { credentialsOf, stalledOnCredentials, toBlocked } from './failures.js';
export { SCALE_OUT_TASK_TYPE, withCurrentSpellings } from './tasks.js';
export { parseDuration, parseTimestamp, tryParseDuration, formatDuration } from './time.js';
export { settingsOf } from './settings.js';
export { ConditionType, Reason, EventReason, plural } from './reasons.js';
export type * from './types.js';
