// When to reconcile again at the latest (watch events may bring it earlier):
//   a scale-out just decided   → REQUEUE_AFTER_PARTIAL_SCALE_OUT_MS if part of the shortfall is still
//                                unrequested (next split request), else POLL_RUNNING_MS (first poll);
//   running tasks              → POLL_RUNNING_MS;  timedOut tasks → POLL_TIMED_OUT_MS;
//   intents in Requesting      → RECOVERY_RECHECK_MS;
//   backoff / stall            → nextRetryTime;
//   finished tasks awaiting joins → the end of their join grace period (so expiry is noticed);
//   a precondition reported unmet (PlanInput.blocked) → BLOCKED_RECHECK_MS.
// The earliest wins; undefined when nothing is pending (the periodic resync still runs).
import type { SandboxCapacityStatus, TaskRecord } from '../../api/sandbox-capacity.js';
import { BLOCKED_RECHECK_MS, POLL_RUNNING_MS, POLL_TIMED_OUT_MS, RECOVERY_RECHECK_MS, REQUEUE_AFTER_PARTIAL_SCALE_OUT_MS } from './constants.js';
import { joinDeadline } from './counting.js';
import { parseTimestamp } from './time.js';

export interface RequeueFacts {
  tasks: readonly TaskRecord[];
  status: SandboxCapacityStatus;
  nowMs: number;
  joinGraceMs: number;
  inFlightOf: (record: TaskRecord) => number;
  /** Set when a scale-out was decided: shortfall left after it. */
  scaleOutRemaining?: number;
  /** The shell reported an unmet precondition. */
  blocked?: boolean;
}

const STATE_INTERVALS: Partial<Record<TaskRecord['state'], number>> = {
  running: POLL_RUNNING_MS,
  timedOut: POLL_TIMED_OUT_MS,
  Requesting: RECOVERY_RECHECK_MS,
};

/** Poll interval of a record, for isPollDue. */
export function pollIntervalMs(record: TaskRecord): number | undefined {
  return record.state === 'running' || record.state === 'timedOut' ? STATE_INTERVALS[record.state] : undefined;
}

/**
 * Whether the shell should call DescribeTaskInfo for this record now. A task never polled by this
 * process counts from its startTime: one just accepted is first polled an interval later (a
 * bare-metal scale-out does not end within a second), one found after a restart at once.
 */
export function isPollDue(record: TaskRecord, lastPolledAtMs: number | undefined, nowMs: number): boolean {
  const interval = pollIntervalMs(record);
  if (interval === undefined || record.taskId === undefined) return false;
  const since = lastPolledAtMs ?? parseTimestamp(record.startTime);
  return since === undefined || nowMs - since >= interval;
}

/**
 * Milliseconds until the next poll of a record polled before falls due (the shell keeps lastPolled).
 * The plan's requeue counts from the plan, but the work queue keeps the earliest pending requeue: one
 * scheduled by an earlier reconcile can fire just before a later poll is due, find nothing to do and
 * push the poll back a whole interval. Requeueing at this time as well keeps the interval. Records due
 * now or never polled give nothing (a failed poll retries on the plan's requeue, never in a tight loop).
 */
export function nextPollInMs(records: readonly TaskRecord[], lastPolled: ReadonlyMap<string, number>, nowMs: number): number | undefined {
  const remaining = records.flatMap((record) => {
    const interval = pollIntervalMs(record);
    const polledAt = record.taskId === undefined ? undefined : lastPolled.get(record.taskId);
    if (interval === undefined || polledAt === undefined) return [];
    const left = polledAt + interval - nowMs;
    return left > 0 ? [Math.ceil(left)] : [];
  });
  return remaining.length === 0 ? undefined : Math.min(...remaining);
}

export function nextRequeueMs(facts: RequeueFacts): number | undefined {
  const candidates: number[] = facts.blocked === true ? [BLOCKED_RECHECK_MS] : [];
  if (facts.scaleOutRemaining !== undefined) {
    candidates.push(facts.scaleOutRemaining > 0 ? REQUEUE_AFTER_PARTIAL_SCALE_OUT_MS : POLL_RUNNING_MS);
  }
  for (const record of facts.tasks) {
    const interval = STATE_INTERVALS[record.state];
    if (interval !== undefined) candidates.push(interval);
    const deadline = joinDeadline(record, facts.joinGraceMs);
    if (deadline !== undefined && facts.inFlightOf(record) > 0) candidates.push(deadline - facts.nowMs);
  }
  const retryAt = parseTimestamp(facts.status.nextRetryTime);
  if (retryAt !== undefined && retryAt > facts.nowMs) candidates.push(retryAt - facts.nowMs);
  if (candidates.length === 0) return undefined;
  return Math.max(0, Math.ceil(Math.min(...candidates)));
}
