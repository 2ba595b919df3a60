// Task records: the ScaleOutCluster backend's ledger in status.tasks, newest first.
//   Requesting → (call accepted) Running → TimedOut (still running at limits.taskTimeout)
//                                         → Succeeded | Failed   (ACK's verdict on the task)
//              → (call refused)  Refused  (ACK refused the call itself: no task, nothing created)
//              → (outcome unknown, no task found in ACK's list within the window) Abandoned
// A record is unfinished while it may still deliver nodes (Requesting, Running, TimedOut); unfinished
// records and finished ones still awaiting joins are never pruned from the bounded history.
// Statuses written by v0.1 spell states differently (LEGACY_TASK_STATES): withCurrentSpellings reads them.
import { createHash } from 'node:crypto';
import { INTENT_TAG_KEY, LEGACY_TASK_STATES, OWNER_TAG_KEY, type SandboxCapacity, type TaskRecord, type TaskState } from '../../api/sandbox-capacity.js';
import { EventReason, plural } from './reasons.js';
import { formatDuration, parseTimestamp, toTimestamp } from './time.js';
import type { PlannedEvent, Random, ScaleOutRequest } from './types.js';

/** Task history kept in status (newest first); records that still count are never pruned. */
export const MAX_TASK_HISTORY = 20;
/** ACK task type of a ScaleOutCluster task. */
export const SCALE_OUT_TASK_TYPE = 'cluster_scaleout';

/** The request may still deliver nodes: its nodes count as in flight in full (minus those already joined). */
export function isUnfinished(state: TaskState): boolean {
  return state === 'Requesting' || state === 'Running' || state === 'TimedOut';
}

/** Known to ACK and not finished: poll it with DescribeTaskInfo. */
export function isPollable(record: TaskRecord): boolean {
  return (record.state === 'Running' || record.state === 'TimedOut') && record.taskId !== undefined;
}

/** Nothing more will come of the request, and nothing was delivered for it to wait on. */
export function isFruitless(state: TaskState): boolean {
  return state === 'Refused' || state === 'Abandoned';
}

export type AckTaskVerdict = 'running' | 'success' | 'failed';

/**
 * ACK's task state string (ack-api.md §4) → verdict. Terminal: success; fail/failed; canceled/cancelled
 * (nothing more will be created, so treated as failed). Everything else (running, pause, unknown) is not.
 */
export function classifyAckTaskState(state: string | undefined): AckTaskVerdict {
  switch ((state ?? '').trim().toLowerCase()) {
    case 'success':
      return 'success';
    case 'fail':
    case 'failed':
    case 'canceled':
    case 'cancelled':
      return 'failed';
    default:
      return 'running';
  }
}

/** The resource with every task state in its current spelling (unchanged object when already so). */
export function withCurrentSpellings(capacity: SandboxCapacity): SandboxCapacity {
  const tasks = capacity.status?.tasks;
  if (tasks === undefined || !tasks.some((record) => Object.hasOwn(LEGACY_TASK_STATES, record.state))) return capacity;
  const current = tasks.map((record) => ({ ...record, state: LEGACY_TASK_STATES[record.state] ?? record.state }));
  return { ...capacity, status: { ...capacity.status, tasks: current } };
}

// ---- Intents --------------------------------------------------------------------------------

/**
 * A unique, sortable marker: "sbc-<epoch ms base36>-<8 random base36 chars>". It is also sent as the node
 * tag capacity.sandbox.dev/intent so recovery can recognise the task (tag values may not start with
 * "aliyun", "acs:" or "http", hence the prefix).
 */
export function makeIntentId(nowMs: number, random: Random): string {
  const randomPart = Math.floor(Math.min(Math.max(random(), 0), 0.999_999_999) * 36 ** 8)
    .toString(36)
    .padStart(8, '0');
  return `sbc-${Math.floor(nowMs).toString(36)}-${randomPart}`;
}

export function newIntentRecord(intentId: string, count: number, vswitchIds: string[], nowMs: number): TaskRecord {
  return { intentId, count, vswitchIds, state: 'Requesting', startTime: toTimestamp(nowMs), message: `requesting ${plural(count, 'node')} in ${vswitchIds.join(',')}` };
}

export function toScaleOutRequest(record: TaskRecord, capacity: SandboxCapacity): ScaleOutRequest {
  return {
    intentId: record.intentId,
    count: record.count,
    vswitchIds: [...(record.vswitchIds ?? [])],
    intentTag: { key: INTENT_TAG_KEY, value: record.intentId },
    ownerTag: { key: OWNER_TAG_KEY, value: ownerTagValue(capacity) },
  };
}

const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * Which resource asked, as a node tag value (tags become Node labels, so it must be a label value):
 * "<namespace>.<name>" when that fits in 63 label characters, else "sbc-" + 24 hex of its SHA-256.
 * Names, not the uid: a resource deleted and applied again must find what its predecessor asked for.
 */
export function ownerTagValue(capacity: SandboxCapacity): string {
  const plain = `${capacity.metadata.namespace}.${capacity.metadata.name}`;
  if (LABEL_VALUE.test(plain)) return plain;
  return `sbc-${createHash('sha256').update(`${capacity.metadata.namespace}/${capacity.metadata.name}`).digest('hex').slice(0, 24)}`;
}

// ---- Time-outs and history ------------------------------------------------------------------

export interface TimeoutResult {
  tasks: TaskRecord[];
  events: PlannedEvent[];
}

/**
 * A Running task older than taskTimeout (from its startTime) becomes TimedOut: it is still polled (more
 * slowly) and its nodes still count as in flight until ACK reports a verdict. Not a failure by itself:
 * the verdict, when it comes, decides that.
 */
export function markTimedOut(tasks: readonly TaskRecord[], taskTimeoutMs: number, nowMs: number): TimeoutResult {
  const events: PlannedEvent[] = [];
  const updated = tasks.map((record) => {
    const started = parseTimestamp(record.startTime);
    if (record.state !== 'Running' || started === undefined || nowMs - started < taskTimeoutMs) return record;
    const message = `task ${record.taskId ?? record.intentId} for ${plural(record.count, 'node')} still running after ${formatDuration(taskTimeoutMs)}; its nodes keep counting as in flight until ACK reports a result`;
    events.push({ type: 'Warning', reason: EventReason.TaskTimedOut, message });
    return { ...record, state: 'TimedOut' as const, message };
  });
  return { tasks: updated, events };
}

/**
 * Keeps at most `max` records, newest first, but never drops one for which `mustKeep` holds (the caller
 * passes: not finished, or finished and still awaiting joins): those are kept even beyond `max`.
 */
export function pruneHistory(tasks: readonly TaskRecord[], mustKeep: (record: TaskRecord) => boolean, max: number = MAX_TASK_HISTORY): TaskRecord[] {
  const required = tasks.filter(mustKeep).length;
  let optionalSlots = Math.max(0, max - required);
  return tasks.filter((record) => {
    if (mustKeep(record)) return true;
    if (optionalSlots === 0) return false;
    optionalSlots -= 1;
    return true;
  });
}

export function findByIntent(tasks: readonly TaskRecord[], intentId: string): TaskRecord | undefined {
  return tasks.find((record) => record.intentId === intentId);
}

export function replaceRecord(tasks: readonly TaskRecord[], updated: TaskRecord): TaskRecord[] {
  return tasks.map((record) => (record.intentId === updated.intentId ? updated : record));
}

/** Short label of a record for messages: its task id once known, else its intent id. */
export function taskLabel(record: TaskRecord): string {
  return record.taskId ?? `intent ${record.intentId}`;
}

/** Labels of the records ACK is still running for us. */
export function runningTaskLabels(tasks: readonly TaskRecord[]): string[] {
  return tasks.filter((record) => record.state === 'Running' && record.taskId !== undefined).map(taskLabel);
}

/** Message of the newest record that ended without delivering everything: what the current backoff is about. */
export function lastFailureMessage(tasks: readonly TaskRecord[]): string | undefined {
  return tasks.find((record) => (record.state === 'Failed' || isFruitless(record.state)) && record.message !== undefined)?.message;
}
