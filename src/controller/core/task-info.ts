// Folding a DescribeTaskInfo answer into one task record.
//
// Terminal answers record completionTime (the time we observed it), instanceIds (task_result entries with
// status success) and failedCount:
//   ACK state fail/failed/canceled → every node without a success entry failed (a short task_result
//                                    means the missing ones failed);
//   ACK state success              → entries with another status failed; nodes without any entry are
//                                    presumed created (ACK says success) and wait for the join grace period.
// The record becomes `success` when nothing failed, otherwise `failed` (fully or partially).
// Non-terminal answers only refresh instanceIds (nodes already delivered by a running task).
import type { TaskRecord } from '../../api/sandbox-capacity.js';
import { classifyAckTaskState } from './task-states.js';
import { toTimestamp } from './time.js';

/** The parts of a DescribeTaskInfo response body the core reads (map the SDK model or raw JSON to this). */
export interface TaskInfo {
  state?: string;
  taskResult?: readonly { data?: string; status?: string }[];
  error?: { code?: string; message?: string };
}

export type TaskTransition = 'none' | 'progress' | 'succeeded' | 'failed';

export interface AppliedTaskInfo {
  record: TaskRecord;
  transition: TaskTransition;
}

export function applyTaskInfo(record: TaskRecord, info: TaskInfo, nowMs: number): AppliedTaskInfo {
  if (record.state !== 'running' && record.state !== 'timedOut') return { record, transition: 'none' };
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
    state: failed ? 'failed' : 'success',
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
  if (failed === 0 && classifyAckTaskState(info.state) === 'success') return `task ${label} succeeded: ${record.count} of ${record.count} nodes created`;
  const cause = info.error?.message !== undefined && info.error.message !== '' ? `: ${info.error.code ?? 'error'}: ${info.error.message}` : '';
  return `task ${label} ended ${state}: ${created} of ${record.count} nodes created, ${failed} failed${cause}`;
}
