// Timing and sizing constants of the controller core. Durations in milliseconds.

/** Poll a running task this often: bare-metal scale-outs take minutes, 10 s keeps status fresh at little cost. */
export const POLL_RUNNING_MS = 10_000;
/**
 * More matching Nodes may mean a task delivered, so its poll is brought forward — at most once per
 * this long per task: a scale-out's nodes join one by one, and every join is a reconcile that sees
 * more Nodes; without a limit, each would poll every running task once more.
 */
export const EARLY_POLL_MIN_GAP_MS = POLL_RUNNING_MS;
/** Poll a timed-out task this often: it is probably stuck, but its final verdict still decides what counts. */
export const POLL_TIMED_OUT_MS = 60_000;
/** Re-check an intent whose outcome is unknown (DescribeClusterTasks) this often. */
export const RECOVERY_RECHECK_MS = 10_000;
/** Re-check a precondition the shell reported unmet (a missing Secret may be created without a spec change). */
export const BLOCKED_RECHECK_MS = 60_000;
/** Look again this soon after a scale-out when part of the shortfall is still unrequested (split requests). */
export const REQUEUE_AFTER_PARTIAL_SCALE_OUT_MS = 1_000;
/** Default window in which an intent's task must show up in the cluster's task list before it is abandoned. */
export const INTENT_RECOVERY_WINDOW_MS = 120_000;
/**
 * How much earlier than the intent's startTime (truncated to the second) an ACK task's `created` may be and
 * still match it: covers clock skew between this controller and ACK.
 */
export const CREATED_SKEW_ALLOWANCE_MS = 10_000;
/** Task history kept in status (newest first); records that still count are never pruned. */
export const MAX_TASK_HISTORY = 20;
/** Throttling backs off on the normal schedule but never longer than this (unless retry-after says so). */
export const THROTTLE_MAX_BACKOFF_MS = 60_000;
/** Used when spec.backoff cannot be parsed (the plan reports InvalidSpec meanwhile). */
export const DEFAULT_BACKOFF = { initialMs: 10_000, maxMs: 600_000 } as const;
/** Node tag key carrying the intent id in every ScaleOutCluster request. */
export const INTENT_TAG_KEY = 'capacity.sandbox.dev/intent';
/** ACK task type of a ScaleOutCluster task. */
export const SCALE_OUT_TASK_TYPE = 'cluster_scaleout';
