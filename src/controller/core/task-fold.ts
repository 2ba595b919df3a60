// Folding a DescribeTaskInfo answer into the status (before the plan runs).
//   progress  → instanceIds refreshed, no Event
//   succeeded → record success; consecutiveFailures reset, nextRetryTime cleared; Event ScaleOutSucceeded
//   failed    → record failed (fully or partially); a failure for backoff unless already backed off;
//               Events ScaleOutFailed (+ BackingOff when a new delay starts). The next plan requests only
//               what is still missing (failed nodes are not in flight, created ones count as they join).
// Conditions are left to the plan that follows. Folding the same answer twice changes nothing.
import type { SandboxCapacity } from '../../api/sandbox-capacity.js';
import { registerFailure, resetFailures } from './backoff.js';
import { formatDuration } from './durations.js';
import { EventReason } from './reasons.js';
import { readSettings } from './settings.js';
import { applyTaskInfo, type TaskInfo } from './task-info.js';
import { replaceRecord } from './tasks.js';
import { toEpochMs } from './time.js';
import type { Instant, Outcome, PlannedEvent, Random } from './types.js';

export function foldTaskInfo(capacity: SandboxCapacity, taskId: string, info: TaskInfo, now: Instant, random: Random): Outcome {
  const status = capacity.status ?? {};
  const record = (status.tasks ?? []).find((candidate) => candidate.taskId === taskId);
  if (record === undefined) return { status, events: [] };
  const nowMs = toEpochMs(now);
  const applied = applyTaskInfo(record, info, nowMs);
  if (applied.transition === 'none') return { status, events: [] };
  const updated = { ...status, tasks: replaceRecord(status.tasks ?? [], applied.record) };
  const message = applied.record.message ?? '';
  if (applied.transition === 'progress') return { status: updated, events: [] };
  if (applied.transition === 'succeeded') {
    return { status: resetFailures(updated), events: [{ type: 'Normal', reason: EventReason.ScaleOutSucceeded, message }] };
  }
  const events: PlannedEvent[] = [{ type: 'Warning', reason: EventReason.ScaleOutFailed, message }];
  const backoff = readSettings(capacity.spec).settings.backoff;
  const registration = registerFailure(updated, { kind: 'exponential' }, backoff, nowMs, random);
  if (registration.delayMs !== undefined) {
    events.push({ type: 'Normal', reason: EventReason.BackingOff, message: `waiting ${formatDuration(registration.delayMs)} before requesting the missing nodes again` });
  }
  return { status: registration.status, events };
}
