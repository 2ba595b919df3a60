// Folding the outcome of a ScaleOutCluster call into the status that already holds its intent record.
//   accepted          → record running with taskId and requestId; Event ScaleOutRequested
//   definite refusal  → record failed (nothing was created), backoff per error-policy.ts; stall kinds set
//                       the Stalled condition; Events ScaleOutFailed (+ BackingOff or Stalled)
//   unknown outcome   → record stays Requesting (recovered from the cluster's task list); no backoff
// Each returns the complete status to persist, conditions included. Unknown intent ids, or records no
// longer Requesting, leave the status unchanged (idempotent).
import type { SandboxCapacity, SandboxCapacityStatus, TaskRecord } from '../../api/sandbox-capacity.js';
import type { CloudErrorInfo } from '../../cloud/errors.js';
import { registerFailure } from './backoff.js';
import { formatDuration } from './durations.js';
import { delayPolicyFor, describeCloudError, stallReasonFor } from './error-policy.js';
import { backoffMessage, outcomeUnknownMessage, stallMessage } from './messages.js';
import { EventReason, Reason } from './reasons.js';
import { readSettings } from './settings.js';
import { refreshConditions, stalledEvents } from './status-refresh.js';
import { findByIntent, replaceRecord } from './tasks.js';
import { toEpochMs, toTimestamp } from './time.js';
import type { Instant, Outcome, PlannedEvent, Random, Verdict } from './types.js';

export interface AcceptedIds {
  taskId: string;
  requestId?: string;
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
  const nowMs = toEpochMs(now);
  const accepted: TaskRecord = { ...record, state: 'running', taskId: ids.taskId, message: `${record.count} nodes requested in task ${ids.taskId} (${where(record)})` };
  if (ids.requestId !== undefined) accepted.requestId = ids.requestId;
  const updated = { ...status, tasks: replaceRecord(status.tasks ?? [], accepted) };
  const verdict: Verdict = { action: 'ScaleOut', reason: Reason.ScalingOut, message: accepted.message ?? '', count: record.count };
  const request = ids.requestId === undefined ? '' : `, request ${ids.requestId}`;
  const event: PlannedEvent = {
    type: 'Normal',
    reason: EventReason.ScaleOutRequested,
    message: `requested ${record.count} nodes in ${where(record)} (task ${ids.taskId}${request})`,
  };
  return { status: refreshConditions(capacity, updated, verdict, nowMs), events: [event] };
}

export function recordScaleOutFailed(
  capacity: SandboxCapacity,
  intentId: string,
  info: CloudErrorInfo,
  now: Instant,
  random: Random,
): Outcome {
  const status = capacity.status ?? {};
  const record = requestingRecord(capacity, intentId);
  if (record === undefined) return { status, events: [] };
  const nowMs = toEpochMs(now);
  if (info.kind === 'unknownOutcome') return keepForRecovery(capacity, record, info, nowMs);
  const cause = `ScaleOutCluster for ${record.count} nodes in ${where(record)} refused: ${describeCloudError(info)}`;
  const refused: TaskRecord = { ...record, state: 'failed', completionTime: toTimestamp(nowMs), instanceIds: [], failedCount: record.count, message: cause };
  const withRecord: SandboxCapacityStatus = {
    ...status,
    tasks: replaceRecord(status.tasks ?? [], refused),
    inFlightReplicas: Math.max(0, (status.inFlightReplicas ?? 0) - record.count),
  };
  const backoff = readSettings(capacity.spec).settings.backoff;
  const registration = registerFailure(withRecord, delayPolicyFor(info), backoff, nowMs, random);
  const next = registration.status.nextRetryTime ?? toTimestamp(nowMs);
  const failures = registration.status.consecutiveFailures ?? 0;
  const verdict = refusalVerdict(info, cause, next, failures);
  // lastDecision says the same as the conditions: a reader between this write and the next plan
  // must not see "ScaleOut" next to Stalled=True.
  const lastDecision = { action: verdict.action, reason: verdict.reason, message: verdict.message };
  const refreshed = { ...refreshConditions(capacity, registration.status, verdict, nowMs), lastDecision };
  const events: PlannedEvent[] = [];
  if (info.kind !== 'clusterBusy') events.push({ type: 'Warning', reason: EventReason.ScaleOutFailed, message: cause });
  if (registration.delayMs !== undefined && verdict.action === 'Wait') {
    events.push({ type: 'Normal', reason: EventReason.BackingOff, message: `waiting ${formatDuration(registration.delayMs)} before retrying after ${info.code}` });
  }
  events.push(...stalledEvents(status.conditions, refreshed.conditions));
  return { status: refreshed, events };
}

function refusalVerdict(info: CloudErrorInfo, cause: string, next: string, failures: number): Verdict {
  const stallReason = stallReasonFor(info.kind);
  if (stallReason !== undefined) return { action: 'Blocked', reason: stallReason, message: stallMessage(cause, next) };
  const reason = info.kind === 'clusterBusy' ? Reason.ClusterBusy : Reason.BackingOff;
  return { action: 'Wait', reason, message: backoffMessage(reason, next, failures, cause) };
}

function keepForRecovery(capacity: SandboxCapacity, record: TaskRecord, info: CloudErrorInfo, nowMs: number): Outcome {
  const status = capacity.status ?? {};
  const pending: TaskRecord = {
    ...record,
    message: `outcome unknown after ${describeCloudError(info)}; looking for the task in the cluster's task list before requesting again`,
  };
  const updated = { ...status, tasks: replaceRecord(status.tasks ?? [], pending) };
  const verdict: Verdict = { action: 'Wait', reason: Reason.OutcomeUnknown, message: outcomeUnknownMessage([record.intentId]) };
  return { status: refreshConditions(capacity, updated, verdict, nowMs), events: [] };
}
