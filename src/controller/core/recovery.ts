// Recovering an intent whose outcome is unknown (controller killed, call timed out): find its task in the
// cluster's task list (DescribeClusterTasks, plus DescribeTaskInfo of candidates for their parameters).
//
// Matching rule. A candidate is a task that
//   - has task_type cluster_scaleout,
//   - was created at or after the intent's startTime truncated to the second (ACK's `created` has second
//     precision) minus CREATED_SKEW_ALLOWANCE_MS (clock skew between us and ACK),
//   - is not already recorded in another task record.
// 1. A candidate whose parameters.tags carry capacity.sandbox.dev/intent=<intentId> is adopted.
// 2. Candidates whose tags are visible but carry no or another intent are someone else's: never adopted.
// 3. Candidates whose tags are not visible are adopted only if there is exactly one whose
//    parameters.count, when present, equals the intent's count.
// No match before startTime + window: keep waiting (the intent keeps blocking new requests). No match after
// the window: the intent is abandoned (see recoverIntent: counted as a failure for backoff).
import type { TaskRecord } from '../../api/sandbox-capacity.js';
import { CREATED_SKEW_ALLOWANCE_MS, INTENT_RECOVERY_WINDOW_MS, INTENT_TAG_KEY, SCALE_OUT_TASK_TYPE } from './constants.js';
import { parseTimestamp, toEpochMs } from './time.js';
import type { Instant } from './types.js';

/** One entry of DescribeClusterTasks (parameters from DescribeTaskInfo when the list lacks them). */
export interface ClusterTask {
  taskId: string;
  taskType: string;
  state?: string;
  /** RFC 3339, e.g. 2022-08-03T10:11:33+08:00. */
  created: string;
  parameters?: Readonly<Record<string, unknown>>;
}

export type IntentResolution =
  | { kind: 'adopt'; taskId: string; matchedBy: 'tag' | 'count' }
  | { kind: 'wait'; candidates: string[] }
  | { kind: 'abandon'; candidates: string[] };

export interface ResolveOptions {
  /** Default INTENT_RECOVERY_WINDOW_MS. */
  windowMs?: number;
  /** Task ids recorded in other task records: never adopted. */
  claimedTaskIds?: Iterable<string>;
}

export function resolveIntent(
  record: TaskRecord,
  clusterTasks: readonly ClusterTask[],
  now: Instant,
  options: number | ResolveOptions = {},
): IntentResolution {
  const { windowMs = INTENT_RECOVERY_WINDOW_MS, claimedTaskIds = [] } = typeof options === 'number' ? { windowMs: options } : options;
  const claimed = new Set(claimedTaskIds);
  const startMs = parseTimestamp(record.startTime) ?? toEpochMs(now);
  const earliest = Math.floor(startMs / 1_000) * 1_000 - CREATED_SKEW_ALLOWANCE_MS;
  const candidates = clusterTasks
    .filter((task) => task.taskType === SCALE_OUT_TASK_TYPE && !claimed.has(task.taskId))
    .filter((task) => (parseTimestamp(task.created) ?? Number.NEGATIVE_INFINITY) >= earliest)
    .sort((a, b) => (parseTimestamp(a.created) ?? 0) - (parseTimestamp(b.created) ?? 0));
  const tagged = candidates.find((task) => intentTagOf(task) === record.intentId);
  if (tagged !== undefined) return { kind: 'adopt', taskId: tagged.taskId, matchedBy: 'tag' };
  const untagged = candidates.filter((task) => intentTagOf(task) === undefined && countMatches(task, record.count));
  const [only] = untagged;
  if (untagged.length === 1 && only !== undefined) return { kind: 'adopt', taskId: only.taskId, matchedBy: 'count' };
  const ids = candidates.map((task) => task.taskId);
  return toEpochMs(now) >= startMs + windowMs ? { kind: 'abandon', candidates: ids } : { kind: 'wait', candidates: ids };
}

/**
 * The intent tag of a task: its value; null when tags are visible but carry no intent tag (someone else's
 * task); undefined when tags are not visible.
 */
export function intentTagOf(task: ClusterTask): string | null | undefined {
  const tags = task.parameters?.tags;
  if (Array.isArray(tags)) {
    const entry = (tags as unknown[]).map(asTag).find((tag) => tag.key === INTENT_TAG_KEY && typeof tag.value === 'string');
    return entry === undefined ? null : (entry.value as string);
  }
  if (typeof tags === 'object' && tags !== null) {
    const value = (tags as Record<string, unknown>)[INTENT_TAG_KEY];
    return typeof value === 'string' ? value : null;
  }
  return undefined;
}

/** A tag as ACK may spell it: {key, value} or {Key, Value}. */
function asTag(tag: unknown): { key: unknown; value: unknown } {
  const entry = typeof tag === 'object' && tag !== null ? (tag as Record<string, unknown>) : {};
  return { key: entry.key ?? entry.Key, value: entry.value ?? entry.Value };
}

function countMatches(task: ClusterTask, count: number): boolean {
  const raw = task.parameters?.count;
  if (raw === undefined || raw === null || raw === '') return true;
  return Number(raw) === count;
}
