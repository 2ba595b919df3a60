// The task history in status: timeouts and bounded pruning.
import type { TaskRecord } from '../../api/sandbox-capacity.js';
import { MAX_TASK_HISTORY } from './constants.js';
import { formatDuration } from './durations.js';
import { EventReason } from './reasons.js';
import { parseTimestamp } from './time.js';
import type { PlannedEvent } from './types.js';

export interface TimeoutResult {
  tasks: TaskRecord[];
  events: PlannedEvent[];
}

/**
 * A running task older than taskTimeout (from its startTime) becomes timedOut: it is still polled (more
 * slowly) and its nodes still count as in flight until ACK reports a verdict. Not a failure by itself:
 * the verdict, when it comes, decides that.
 */
export function markTimedOut(tasks: readonly TaskRecord[], taskTimeoutMs: number, nowMs: number): TimeoutResult {
  const events: PlannedEvent[] = [];
  const updated = tasks.map((record) => {
    const started = parseTimestamp(record.startTime);
    if (record.state !== 'running' || started === undefined || nowMs - started < taskTimeoutMs) return record;
    const message = `task ${record.taskId ?? record.intentId} for ${record.count} nodes still running after ${formatDuration(taskTimeoutMs)}; its nodes keep counting as in flight until ACK reports a result`;
    events.push({ type: 'Warning', reason: EventReason.TaskTimedOut, message });
    return { ...record, state: 'timedOut' as const, message };
  });
  return { tasks: updated, events };
}

/**
 * Keeps at most `max` records, newest first, but never drops one for which `mustKeep` holds (the caller
 * passes: not finished, or finished and still awaiting joins): those are kept even beyond `max`.
 * Order is preserved.
 */
export function pruneHistory(
  tasks: readonly TaskRecord[],
  mustKeep: (record: TaskRecord) => boolean,
  max: number = MAX_TASK_HISTORY,
): TaskRecord[] {
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
