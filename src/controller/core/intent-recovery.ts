// Applying resolveIntent to the status (before the plan runs).
//   adopt   → record running with the task id (its nodes keep counting; the next poll folds its result);
//             Event TaskAdopted
//   abandon → record abandoned (not counted). Counted as a failure for backoff: whatever kept the call from
//             reaching ACK (network, crash loop) deserves a pause, and the pause also gives a late-listed
//             task a last chance to show up before anything is requested again. Events IntentAbandoned
//             (+ BackingOff)
//   wait    → unchanged
import type { SandboxCapacity, TaskRecord } from '../../api/sandbox-capacity.js';
import { registerFailure } from './backoff.js';
import { formatDuration } from './durations.js';
import { EventReason } from './reasons.js';
import { resolveIntent, type ClusterTask } from './recovery.js';
import { readSettings } from './settings.js';
import { findByIntent, replaceRecord } from './tasks.js';
import { toEpochMs, toTimestamp } from './time.js';
import type { Instant, Outcome, PlannedEvent, Random } from './types.js';

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
    const message = `adopted task ${resolution.taskId} (matched by ${resolution.matchedBy}) for intent ${intentId}: ${record.count} nodes in ${(record.vswitchIds ?? []).join(',')}`;
    const adopted: TaskRecord = { ...record, state: 'running', taskId: resolution.taskId, message };
    return { status: { ...status, tasks: replaceRecord(tasks, adopted) }, events: [{ type: 'Normal', reason: EventReason.TaskAdopted, message }] };
  }
  const seen = resolution.candidates.length === 0 ? 'no candidate task' : `no unambiguous match among ${resolution.candidates.join(', ')}`;
  const message = `intent ${intentId} for ${record.count} nodes abandoned: ${seen} in the cluster's task list`;
  const abandoned: TaskRecord = { ...record, state: 'abandoned', completionTime: toTimestamp(nowMs), message };
  const updated = { ...status, tasks: replaceRecord(tasks, abandoned), inFlightReplicas: Math.max(0, (status.inFlightReplicas ?? 0) - record.count) };
  const registration = registerFailure(updated, { kind: 'exponential' }, readSettings(capacity.spec).settings.backoff, nowMs, options.random);
  const events: PlannedEvent[] = [{ type: 'Warning', reason: EventReason.IntentAbandoned, message }];
  if (registration.delayMs !== undefined) {
    events.push({ type: 'Normal', reason: EventReason.BackingOff, message: `waiting ${formatDuration(registration.delayMs)} before requesting again` });
  }
  return { status: registration.status, events };
}
