// Recovering an intent whose outcome is unknown (controller killed, call timed out): find its task in the
// cluster's task list (DescribeClusterTasks, plus DescribeTaskInfo of candidates for their parameters),
// and apply what was found to the status. Until then the intent blocks every new request.
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
// the window: the intent is abandoned.
//
// Applying the resolution (recoverIntent):
//   adopt   → record Running with the task id (its nodes keep counting; the next poll folds its result);
//             Event TaskAdopted
//   abandon → record Abandoned (not counted). Counted as a failure for backoff: whatever kept the call from
//             reaching ACK (network, crash loop) deserves a pause, and the pause also gives a late-listed
//             task a last chance to show up before anything is requested again. Events IntentAbandoned
//             (+ BackingOff)
//   wait    → unchanged
import { INTENT_TAG_KEY, OWNER_TAG_KEY, type SandboxCapacity, type TaskRecord } from '../../api/sandbox-capacity.js';
import { registerFailure } from './failures.js';
import { EventReason, plural } from './reasons.js';
import { settingsOf } from './settings.js';
import { applyTaskInfo, type TaskInfo } from './outcomes.js';
import { SCALE_OUT_TASK_TYPE, findByIntent, ownerTagValue, replaceRecord } from './tasks.js';
import { formatDuration, parseTimestamp, toEpochMs, toTimestamp } from './time.js';
import type { Instant, Outcome, PlannedEvent, Random } from './types.js';

/** Default window in which an intent's task must show up in the cluster's task list before it is abandoned. */
export const INTENT_RECOVERY_WINDOW_MS = 120_000;
/**
 * How much earlier than the intent's startTime (truncated to the second) an ACK task's `created` may be and
 * still match it: covers clock skew between this controller and ACK.
 */
export const CREATED_SKEW_ALLOWANCE_MS = 10_000;

export function outcomeUnknownMessage(intentIds: readonly string[]): string {
  return `outcome of request ${intentIds.join(', ')} not yet known: looking for its task in the cluster's task list before requesting more`;
}

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

export interface RecoverOptions {
  random: Random;
  /** Default INTENT_RECOVERY_WINDOW_MS. */
  windowMs?: number;
}

export function recoverIntent(
  capacity: SandboxCapacity,
  intentId: string,
  clusterTasks: readonly ClusterTask[],
  now: Instant,
  options: RecoverOptions,
): Outcome {
  const status = capacity.status ?? {};
  const tasks = status.tasks ?? [];
  const record = findByIntent(tasks, intentId);
  if (record?.state !== 'Requesting') return { status, events: [] };
  const claimedTaskIds = tasks.flatMap((other) => (other.intentId !== intentId && other.taskId !== undefined ? [other.taskId] : []));
  const resolveOptions = options.windowMs === undefined ? { claimedTaskIds } : { claimedTaskIds, windowMs: options.windowMs };
  const resolution = resolveIntent(record, clusterTasks, now, resolveOptions);
  const nowMs = toEpochMs(now);
  if (resolution.kind === 'wait') return { status, events: [] };
  if (resolution.kind === 'adopt') {
    const message = `adopted task ${resolution.taskId} (matched by ${resolution.matchedBy}) for intent ${intentId}: ${plural(record.count, 'node')} in ${(record.vswitchIds ?? []).join(',')}`;
    const adopted: TaskRecord = { ...record, state: 'Running', taskId: resolution.taskId, message };
    return { status: { ...status, tasks: replaceRecord(tasks, adopted) }, events: [{ type: 'Normal', reason: EventReason.TaskAdopted, message }] };
  }
  const seen = resolution.candidates.length === 0 ? 'no candidate task' : `no unambiguous match among ${resolution.candidates.join(', ')}`;
  const message = `intent ${intentId} for ${plural(record.count, 'node')} abandoned: ${seen} in the cluster's task list`;
  const abandoned: TaskRecord = { ...record, state: 'Abandoned', completionTime: toTimestamp(nowMs), message };
  const updated = { ...status, tasks: replaceRecord(tasks, abandoned), inFlightReplicas: Math.max(0, (status.inFlightReplicas ?? 0) - record.count) };
  const registration = registerFailure(updated, { kind: 'exponential' }, settingsOf(capacity.spec).settings.backoff, nowMs, options.random);
  const events: PlannedEvent[] = [{ type: 'Warning', reason: EventReason.IntentAbandoned, message }];
  if (registration.delayMs !== undefined) {
    events.push({ type: 'Normal', reason: EventReason.BackingOff, message: `waiting ${formatDuration(registration.delayMs)} before requesting again` });
  }
  return { status: registration.status, events };
}

// ---- The first look of a new or re-created resource ------------------------------------------
// A resource without status.ledgerCheckedAt (new, or deleted and applied again: Argo CD prune and
// recreate, kubectl replace --force, a restore) reads ACK's task list before it requests anything.
// Every scale-out task carrying its owner tag (namespace.name) and not on record is adopted: one still
// running as Running (its nodes count in flight), one already ended as Succeeded/Failed with its
// instances (they count until they join). Then ledgerCheckedAt is set. Event TaskAdopted per task.

/** A task of the cluster's list with what DescribeTaskInfo said of it (parameters, and results when it ended). */
export interface OwnTaskCandidate extends ClusterTask {
  result?: TaskInfo;
}

export function adoptOwnTasks(capacity: SandboxCapacity, candidates: readonly OwnTaskCandidate[], now: Instant): Outcome {
  const status = capacity.status ?? {};
  const nowMs = toEpochMs(now);
  const owner = ownerTagValue(capacity);
  const recorded = new Set((status.tasks ?? []).flatMap((r) => [r.taskId, r.intentId]));
  const adopted: TaskRecord[] = [];
  const events: PlannedEvent[] = [];
  for (const task of candidates) {
    if (task.taskType !== SCALE_OUT_TASK_TYPE || tagOf(task, OWNER_TAG_KEY) !== owner || recorded.has(task.taskId)) continue;
    const intentId = tagOf(task, INTENT_TAG_KEY) ?? `adopted-${task.taskId}`;
    if (recorded.has(intentId)) continue;
    const record = adoptedRecord(task, intentId, nowMs);
    adopted.push(record);
    events.push({ type: 'Normal', reason: EventReason.TaskAdopted, message: `adopted task ${task.taskId} (owner tag ${owner}: requested before this resource was re-created): ${plural(record.count, 'node')}, ${record.state}` });
  }
  return { status: { ...status, tasks: [...adopted, ...(status.tasks ?? [])], ledgerCheckedAt: toTimestamp(nowMs) }, events };
}

function adoptedRecord(task: OwnTaskCandidate, intentId: string, nowMs: number): TaskRecord {
  const count = Math.max(1, Math.floor(Number(task.parameters?.count ?? 1)) || 1);
  const vswitches = task.parameters?.vswitch_ids;
  const running: TaskRecord = {
    intentId,
    taskId: task.taskId,
    count,
    ...(Array.isArray(vswitches) ? { vswitchIds: vswitches.filter((v): v is string => typeof v === 'string') } : {}),
    state: 'Running',
    startTime: toTimestamp(parseTimestamp(task.created) ?? nowMs),
    message: `adopted task ${task.taskId}`,
  };
  if (task.result === undefined) return running;
  // Ended before we looked: its completion is no later than now, and its join grace counts from its
  // creation (the safe side: instances long gone are looked up, and released, at once).
  const ended = applyTaskInfo(running, task.result, nowMs).record;
  return { ...ended, completionTime: running.startTime };
}

/** A tag's value in a task's parameters, or undefined. */
function tagOf(task: ClusterTask, key: string): string | undefined {
  const tags = task.parameters?.tags;
  if (Array.isArray(tags)) {
    const entry = (tags as unknown[]).map(asTag).find((tag) => tag.key === key && typeof tag.value === 'string');
    return entry?.value as string | undefined;
  }
  const value = typeof tags === 'object' && tags !== null ? (tags as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}
