// Time-driven work: which cloud reads are due now, and when to reconcile again.
//
// Due from the cloud (a pure function of the status and the shell's poll memory, computed before any plan):
//   polls      → Running/TimedOut records whose poll interval has passed since their last poll (never
//                polled by this process: counted from startTime; brought forward once per interval when
//                more matching Nodes appear, since a join may mean a task delivered);
//   recoveries → every intent still Requesting (its outcome is unknown until found in ACK's task list);
//   first look → a resource short of nodes that never read ACK's task list (new, or deleted and applied
//                again): its earlier incarnation's tasks, found by the owner tag, are adopted first;
//   unjoined   → instances past their join grace period, looked up in ACK (DescribeClusterNodes: still
//                there? which Node?) and in Kubernetes (that Node's labels), at most every UNJOINED_RECHECK_MS.
//
// When to reconcile again at the latest (watch events may bring it earlier):
//   a scale-out just decided   → REQUEUE_AFTER_PARTIAL_SCALE_OUT_MS if part of the shortfall is still
//                                unrequested (next split request), else POLL_RUNNING_MS (first poll);
//   the backend's ledger       → its wake-ups: Running tasks POLL_RUNNING_MS, TimedOut POLL_TIMED_OUT_MS,
//                                intents in Requesting RECOVERY_RECHECK_MS, finished tasks awaiting joins
//                                the end of their join grace period (so expiry is noticed);
//   backoff / stall            → nextRetryTime;
//   a precondition reported unmet (PlanInput.blocked) → BLOCKED_RECHECK_MS.
// The earliest wins; undefined when nothing is pending (the periodic resync still runs).
import type { SandboxCapacity, SandboxCapacityStatus, TaskRecord } from '../../api/sandbox-capacity.js';
import { countNodes, joinedInstanceIds, unjoinedOf } from './counting.js';
import { settingsOf } from './settings.js';
import { isPollable } from './tasks.js';
import { parseTimestamp } from './time.js';
import type { ObservedNode } from './types.js';

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
/** Look up unjoined instances in ACK and Kubernetes this often: notice a release or a registration. */
export const UNJOINED_RECHECK_MS = 30_000;

/** The cloud reads one reconcile makes before it plans. */
export interface CloudWork {
  pollTaskIds: string[];
  recoverIntentIds: string[];
  /** Read ACK's task list for tasks carrying this resource's owner tag, and adopt them. */
  firstLook: boolean;
  /** Unjoined instances (ids) to look up in ACK and Kubernetes. */
  unjoinedInstanceIds: string[];
}

/** What the shell remembers of earlier reads, to pace them. */
export interface ReadMemory {
  lastPolled: ReadonlyMap<string, number>;
  unjoinedCheckedAt?: number;
}

/**
 * What is due from the cloud now (see the rule at the top of this file); empty when nothing is. A
 * paused resource, or an operator in dry run, takes no first look: "nothing is called" holds for them
 * (a first look only guards a purchase, which they will not make).
 */
export function dueCloudWork(capacity: SandboxCapacity, nodes: readonly ObservedNode[], memory: ReadMemory, nowMs: number, dryRun = false): CloudWork {
  const tasks = capacity.status?.tasks ?? [];
  const checkDue = memory.unjoinedCheckedAt === undefined || nowMs - memory.unjoinedCheckedAt >= UNJOINED_RECHECK_MS;
  return {
    pollTaskIds: tasks.filter((record) => isPollable(record) && isPollDue(record, memory.lastPolled.get(record.taskId ?? ''), nowMs)).map((record) => record.taskId ?? ''),
    recoverIntentIds: tasks.filter((record) => record.state === 'Requesting').map((record) => record.intentId),
    firstLook: !dryRun && !capacity.spec.paused && needsFirstLook(capacity, nodes),
    unjoinedInstanceIds: checkDue ? unjoinedInstanceIds(capacity, nodes, nowMs) : [],
  };
}

/** A resource that never read ACK's task list and would buy: it must look for its earlier tasks first. */
export function needsFirstLook(capacity: SandboxCapacity, nodes: readonly ObservedNode[]): boolean {
  return capacity.status?.ledgerCheckedAt === undefined && capacity.spec.replicas > countNodes(nodes).replicas;
}

function unjoinedInstanceIds(capacity: SandboxCapacity, nodes: readonly ObservedNode[], nowMs: number): string[] {
  const joined = joinedInstanceIds(nodes);
  const { joinGraceMs } = settingsOf(capacity.spec).settings;
  const ids = (capacity.status?.tasks ?? []).flatMap((record) => unjoinedOf(record, joined, joinGraceMs, nowMs)).map((place) => place.instanceId);
  return [...new Set(ids.filter((id) => id !== ''))];
}

export function hasCloudWork(work: CloudWork): boolean {
  return work.pollTaskIds.length > 0 || work.recoverIntentIds.length > 0 || work.firstLook || work.unjoinedInstanceIds.length > 0;
}

/** Tasks whose poll is brought forward now that more Nodes match: those not brought forward within EARLY_POLL_MIN_GAP_MS. */
export function pollsToBringForward(status: SandboxCapacityStatus | undefined, pulledForward: ReadonlyMap<string, number>, nowMs: number): string[] {
  return (status?.tasks ?? []).flatMap((record) => {
    if (record.taskId === undefined || nowMs - (pulledForward.get(record.taskId) ?? -Infinity) < EARLY_POLL_MIN_GAP_MS) return [];
    return [record.taskId];
  });
}

export interface RequeueFacts {
  /** When the backend's ledger wants another look, in ms from now (polls, recoveries, join deadlines). */
  wakeUpsMs: readonly number[];
  status: SandboxCapacityStatus;
  nowMs: number;
  /** Set when a scale-out was decided: shortfall left after it. */
  scaleOutRemaining?: number;
  /** The shell reported an unmet precondition. */
  blocked?: boolean;
}

const STATE_INTERVALS: Partial<Record<TaskRecord['state'], number>> = {
  Running: POLL_RUNNING_MS,
  TimedOut: POLL_TIMED_OUT_MS,
  Requesting: RECOVERY_RECHECK_MS,
};

/** How often a record in this state wants another look: its poll or recovery interval. */
export function wakeUpIntervalMs(state: TaskRecord['state']): number | undefined {
  return STATE_INTERVALS[state];
}

/** Poll interval of a record, for isPollDue. */
export function pollIntervalMs(record: TaskRecord): number | undefined {
  return record.state === 'Running' || record.state === 'TimedOut' ? STATE_INTERVALS[record.state] : undefined;
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
  candidates.push(...facts.wakeUpsMs);
  const retryAt = parseTimestamp(facts.status.nextRetryTime);
  if (retryAt !== undefined && retryAt > facts.nowMs) candidates.push(retryAt - facts.nowMs);
  if (candidates.length === 0) return undefined;
  return Math.max(0, Math.ceil(Math.min(...candidates)));
}
