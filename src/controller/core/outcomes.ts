// Every answer ACK gives about a ScaleOutCluster request, folded into the status that holds its record.
// Folding the same answer twice changes nothing; an unknown id, or a record no longer in the state the
// answer is about, leaves the status unchanged.
//
// The call itself (the record is Requesting):
//   accepted          → Running with taskId and requestId; Event ScaleOutRequested
//   definite refusal  → Refused (nothing was created, nothing failed); backoff per failures.ts; stall
//                       kinds set Stalled; Events ScaleOutFailed (not for cluster busy) + BackingOff or Stalled.
//                       Cluster busy while one of our own tasks runs sets no timer: the next request
//                       waits for that task to end (the plan's busy-with-own-task hold), and says so
//   unknown outcome   → stays Requesting, to be recovered from the cluster's task list; no backoff
//   a capacity failure (out of stock) marks the request's vSwitch out of stock (zones.ts); while another
//                       listed vSwitch is in stock there is no backoff: the next request goes there
// DescribeTaskInfo of a Running or TimedOut record:
//   still running     → instanceIds refreshed (nodes a running task already delivered), no Event
//   success           → Succeeded; entries with another status failed, nodes without an entry are
//                       presumed created (ACK says success) and wait for the join grace period;
//                       consecutiveFailures reset; Event ScaleOutSucceeded
//   fail/failed/canceled → Failed; every node without a success entry failed; a failure for backoff
//                       unless already backed off; Events ScaleOutFailed (+ BackingOff). The next plan
//                       requests only what is still missing. A capacity error marks the vSwitch out of
//                       stock as above.
// Terminal answers record completionTime (when we observed it), instanceIds and failedCount.
import type { SandboxCapacity, SandboxCapacityStatus, TaskRecord } from '../../api/sandbox-capacity.js';
import type { CloudErrorInfo, CloudErrorKind } from '../../cloud/ack-api.js';
import { refreshConditions, stalledEvents } from './conditions.js';
import { CREDENTIAL_STALLS, backoffMessage, credentialsOf, delayPolicyFor, describeCloudError, registerFailure, resetFailures, stallMessage, stallReasonFor } from './failures.js';
import { EventReason, Reason, plural } from './reasons.js';
import { outcomeUnknownMessage } from './recovery.js';
import { settingsOf } from './settings.js';
import { busyWithOwnTaskMessage } from './scale-out-cluster.js';
import { classifyAckTaskState, findByIntent, replaceRecord, runningTaskLabels } from './tasks.js';
import { formatDuration, toEpochMs, toTimestamp } from './time.js';
import { inStock, markOutOfStock } from './zones.js';
import type { Instant, Outcome, PlannedEvent, Random, Verdict } from './types.js';

export interface AcceptedIds {
  taskId: string;
  requestId?: string;
}

/** The parts of a DescribeTaskInfo response body the core reads (map the SDK model or raw JSON to this). */
export interface TaskInfo {
  state?: string;
  taskResult?: readonly { data?: string; status?: string }[];
  error?: { code?: string; message?: string };
  /** The error code's kind, as the shell's classifier sees it (capacity: out of stock). */
  errorKind?: CloudErrorKind;
}

function requestingRecord(capacity: SandboxCapacity, intentId: string): TaskRecord | undefined {
  const record = findByIntent(capacity.status?.tasks ?? [], intentId);
  return record?.state === 'Requesting' ? record : undefined;
}

function where(record: TaskRecord): string {
  return (record.vswitchIds ?? []).join(',');
}

export function recordScaleOutAccepted(capacity: SandboxCapacity, intentId: string, ids: AcceptedIds, now: Instant): Outcome {
  const status = capacity.status ?? {};
  const record = requestingRecord(capacity, intentId);
  if (record === undefined) return { status, events: [] };
  const accepted: TaskRecord = { ...record, state: 'Running', taskId: ids.taskId, message: `${plural(record.count, 'node')} requested in task ${ids.taskId} (${where(record)})` };
  if (ids.requestId !== undefined) accepted.requestId = ids.requestId;
  const updated = { ...status, tasks: replaceRecord(status.tasks ?? [], accepted) };
  const verdict: Verdict = { action: 'ScaleOut', reason: Reason.ScalingOut, message: accepted.message ?? '', count: record.count };
  const request = ids.requestId === undefined ? '' : `, request ${ids.requestId}`;
  const event: PlannedEvent = { type: 'Normal', reason: EventReason.ScaleOutRequested, message: `requested ${plural(record.count, 'node')} in ${where(record)} (task ${ids.taskId}${request})` };
  return { status: refreshConditions(capacity, updated, verdict, toEpochMs(now)), events: [event] };
}

export function recordScaleOutFailed(capacity: SandboxCapacity, intentId: string, info: CloudErrorInfo, now: Instant, random: Random): Outcome {
  const status = capacity.status ?? {};
  const record = requestingRecord(capacity, intentId);
  if (record === undefined) return { status, events: [] };
  const nowMs = toEpochMs(now);
  if (info.kind === 'unknownOutcome') return keepForRecovery(capacity, record, info, nowMs);
  const cause = `ScaleOutCluster for ${plural(record.count, 'node')} in ${where(record)} refused: ${describeCloudError(info)}`;
  const refused: TaskRecord = { ...record, state: 'Refused', completionTime: toTimestamp(nowMs), message: cause };
  const tasks = replaceRecord(status.tasks ?? [], refused);
  const withRecord: SandboxCapacityStatus = { ...status, tasks, inFlightReplicas: Math.max(0, (status.inFlightReplicas ?? 0) - record.count) };
  const ownRunning = info.kind === 'clusterBusy' ? runningTaskLabels(tasks) : [];
  if (ownRunning.length > 0) return waitForOwnTask(capacity, withRecord, { running: ownRunning, cause, nowMs });
  if (info.kind === 'capacity') return refuseForLackOfStock(capacity, withRecord, { record, info, cause, nowMs, random });
  return backOff(capacity, withRecord, { info, cause, nowMs, random });
}

/** Out of stock: that vSwitch is skipped; with another in stock there is no backoff, the next request goes there. */
function refuseForLackOfStock(
  capacity: SandboxCapacity,
  withRecord: SandboxCapacityStatus,
  { record, info, cause, nowMs, random }: { record: TaskRecord; info: CloudErrorInfo; cause: string; nowMs: number; random: Random },
): Outcome {
  const stock = markStockOut(capacity, withRecord, record, info.code, nowMs);
  if (stock === undefined) return backOff(capacity, withRecord, { info, cause, nowMs, random });
  if (stock.elsewhere.length > 0) {
    const verdict: Verdict = { action: 'Wait', reason: Reason.OutOfStock, message: stock.event.message };
    return finishRefusal(capacity, capacity.status ?? {}, stock.status, { verdict, events: [{ type: 'Warning', reason: EventReason.ScaleOutFailed, message: cause }, stock.event], nowMs });
  }
  const backedOff = backOff(capacity, stock.status, { info, cause, nowMs, random });
  return { ...backedOff, events: [...backedOff.events, stock.event] };
}

interface StockOut {
  status: SandboxCapacityStatus;
  /** Listed vSwitches still in stock. */
  elsewhere: string[];
  event: PlannedEvent;
}

/** A capacity failure of a one-vSwitch request: that vSwitch is skipped for spec.backoff.max. */
function markStockOut(capacity: SandboxCapacity, status: SandboxCapacityStatus, record: TaskRecord, code: string, nowMs: number): StockOut | undefined {
  const [vswitchId, ...more] = record.vswitchIds ?? [];
  if (vswitchId === undefined || more.length > 0) return undefined;
  const zone = status.vswitchZones?.[vswitchId];
  const untilMs = nowMs + settingsOf(capacity.spec).settings.backoff.maxMs;
  const marks = markOutOfStock(status.outOfStock, zone === undefined ? { vswitchId, code } : { vswitchId, zone, code }, nowMs, untilMs);
  const elsewhere = inStock(capacity.spec.scaleOut?.vswitchIds ?? [], marks, nowMs);
  const where = `${vswitchId}${zone === undefined ? '' : ` (${zone})`} is out of stock (${code}), skipped until ${toTimestamp(Math.ceil(untilMs / 1000) * 1000)}`;
  const message = elsewhere.length > 0 ? `${where}: the next request goes to ${elsewhere.join(', ')}` : `${where}: every listed vSwitch is out of stock`;
  return { status: { ...status, outOfStock: marks }, elsewhere, event: { type: 'Warning', reason: EventReason.OutOfStock, message } };
}

/** A refusal that time heals (or a human: stalls): the backoff of failures.ts, and the Events that say so. Also the node-pool write's. */
export function backOff(capacity: SandboxCapacity, withRecord: SandboxCapacityStatus, { info, cause, nowMs, random }: { info: CloudErrorInfo; cause: string; nowMs: number; random: Random }): Outcome {
  const registration = registerFailure(withRecord, delayPolicyFor(info), settingsOf(capacity.spec).settings.backoff, nowMs, random);
  const next = registration.status.nextRetryTime ?? toTimestamp(nowMs);
  const verdict = refusalVerdict(capacity, info, { cause, next, failures: registration.status.consecutiveFailures ?? 0 });
  const events: PlannedEvent[] = [];
  if (info.kind !== 'clusterBusy') events.push({ type: 'Warning', reason: EventReason.ScaleOutFailed, message: cause });
  if (registration.delayMs !== undefined && verdict.action === 'Wait') {
    events.push({ type: 'Normal', reason: EventReason.BackingOff, message: `waiting ${formatDuration(registration.delayMs)} before retrying after ${info.code}` });
  }
  return finishRefusal(capacity, capacity.status ?? {}, registration.status, { verdict, events, nowMs });
}

/** ACK is busy with our own scale-out: no timer, the next request waits for that task to end. */
function waitForOwnTask(capacity: SandboxCapacity, status: SandboxCapacityStatus, { running, cause, nowMs }: { running: string[]; cause: string; nowMs: number }): Outcome {
  const message = busyWithOwnTaskMessage(running, cause);
  const verdict: Verdict = { action: 'Wait', reason: Reason.ClusterBusy, message };
  const events: PlannedEvent[] = [{ type: 'Normal', reason: EventReason.BackingOff, message }];
  return finishRefusal(capacity, capacity.status ?? {}, status, { verdict, events, nowMs });
}

interface Refusal {
  verdict: Verdict;
  events: PlannedEvent[];
  nowMs: number;
}

/**
 * lastDecision says the same as the conditions: a reader between this write and the next plan must
 * not see "ScaleOut" next to Stalled=True.
 */
function finishRefusal(capacity: SandboxCapacity, before: SandboxCapacityStatus, after: SandboxCapacityStatus, { verdict, events, nowMs }: Refusal): Outcome {
  const lastDecision = { action: verdict.action, reason: verdict.reason, message: verdict.message };
  const refreshed = { ...refreshConditions(capacity, after, verdict, nowMs), lastDecision };
  return { status: refreshed, events: [...events, ...stalledEvents(before.conditions, refreshed.conditions)] };
}

function refusalVerdict(capacity: SandboxCapacity, info: CloudErrorInfo, { cause, next, failures }: { cause: string; next: string; failures: number }): Verdict {
  const stallReason = stallReasonFor(info);
  if (stallReason !== undefined && CREDENTIAL_STALLS.has(stallReason)) {
    const credentials = credentialsOf(capacity);
    return { action: 'Blocked', reason: stallReason, message: stallMessage(`${cause} (${credentials})`, next, credentials) };
  }
  if (stallReason !== undefined) return { action: 'Blocked', reason: stallReason, message: stallMessage(cause, next) };
  const reason = info.kind === 'clusterBusy' ? Reason.ClusterBusy : Reason.BackingOff;
  return { action: 'Wait', reason, message: backoffMessage(reason, next, failures, cause) };
}

function keepForRecovery(capacity: SandboxCapacity, record: TaskRecord, info: CloudErrorInfo, nowMs: number): Outcome {
  const status = capacity.status ?? {};
  const pending: TaskRecord = { ...record, message: `outcome unknown after ${describeCloudError(info)}; looking for the task in the cluster's task list before requesting again` };
  const updated = { ...status, tasks: replaceRecord(status.tasks ?? [], pending) };
  const verdict: Verdict = { action: 'Wait', reason: Reason.OutcomeUnknown, message: outcomeUnknownMessage([record.intentId]) };
  return { status: refreshConditions(capacity, updated, verdict, nowMs), events: [] };
}

// ---- DescribeTaskInfo ------------------------------------------------------------------------

export type TaskTransition = 'none' | 'progress' | 'succeeded' | 'failed';

export interface AppliedTaskInfo {
  record: TaskRecord;
  transition: TaskTransition;
}

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
  if (applied.transition === 'succeeded') return { status: resetFailures(updated), events: [{ type: 'Normal', reason: EventReason.ScaleOutSucceeded, message }] };
  return foldTaskFailure(capacity, updated, { record: applied.record, info, nowMs, random });
}

/** A failed task: backoff, unless it failed for lack of stock and another listed vSwitch has some. */
function foldTaskFailure(
  capacity: SandboxCapacity,
  updated: SandboxCapacityStatus,
  { record, info, nowMs, random }: { record: TaskRecord; info: TaskInfo; nowMs: number; random: Random },
): Outcome {
  const events: PlannedEvent[] = [{ type: 'Warning', reason: EventReason.ScaleOutFailed, message: record.message ?? '' }];
  const stock = info.errorKind === 'capacity' ? markStockOut(capacity, updated, record, info.error?.code ?? 'capacity', nowMs) : undefined;
  if (stock !== undefined) events.push(stock.event);
  if (stock !== undefined && stock.elsewhere.length > 0) return { status: stock.status, events };
  const registration = registerFailure(stock?.status ?? updated, { kind: 'exponential' }, settingsOf(capacity.spec).settings.backoff, nowMs, random);
  if (registration.delayMs !== undefined) {
    events.push({ type: 'Normal', reason: EventReason.BackingOff, message: `waiting ${formatDuration(registration.delayMs)} before requesting the missing nodes again` });
  }
  return { status: registration.status, events };
}

/** One DescribeTaskInfo answer applied to one record (see the rules at the top of this file). */
export function applyTaskInfo(record: TaskRecord, info: TaskInfo, nowMs: number): AppliedTaskInfo {
  if (record.state !== 'Running' && record.state !== 'TimedOut') return { record, transition: 'none' };
  const succeededIds = successfulInstanceIds(info);
  const verdict = classifyAckTaskState(info.state);
  if (verdict === 'running') {
    if (sameIds(record.instanceIds, succeededIds)) return { record, transition: 'none' };
    return { record: { ...record, instanceIds: succeededIds }, transition: 'progress' };
  }
  const failedCount = verdict === 'failed' ? Math.max(0, record.count - succeededIds.length) : explicitFailures(info, record, succeededIds);
  const failed = verdict === 'failed' || failedCount > 0;
  const finished: TaskRecord = {
    ...record,
    state: failed ? 'Failed' : 'Succeeded',
    completionTime: toTimestamp(nowMs),
    instanceIds: succeededIds,
    failedCount,
    message: describeResult(record, info, succeededIds.length, failedCount),
  };
  return { record: finished, transition: failed ? 'failed' : 'succeeded' };
}

function successfulInstanceIds(info: TaskInfo): string[] {
  const ids = (info.taskResult ?? [])
    .filter((entry) => entry.status?.toLowerCase() === 'success' && typeof entry.data === 'string' && entry.data !== '')
    .map((entry) => entry.data as string);
  return [...new Set(ids)];
}

function explicitFailures(info: TaskInfo, record: TaskRecord, succeeded: readonly string[]): number {
  const others = (info.taskResult ?? []).filter((entry) => entry.status?.toLowerCase() !== 'success').length;
  return Math.min(others, Math.max(0, record.count - succeeded.length));
}

function sameIds(a: readonly string[] | undefined, b: readonly string[]): boolean {
  const left = a ?? [];
  return left.length === b.length && left.every((id) => b.includes(id));
}

function describeResult(record: TaskRecord, info: TaskInfo, created: number, failed: number): string {
  const label = record.taskId ?? record.intentId;
  const state = info.state ?? 'unknown';
  if (failed === 0 && classifyAckTaskState(info.state) === 'success') return `task ${label} succeeded: ${record.count} of ${plural(record.count, 'node')} created`;
  const cause = info.error?.message !== undefined && info.error.message !== '' ? `: ${info.error.code ?? 'error'}: ${info.error.message}` : '';
  return `task ${label} ended ${state}: ${created} of ${plural(record.count, 'node')} created, ${failed} failed${cause}`;
}
