// Task record states as the controller records them (TaskState) and ACK's task states (ack-api.md §4).
import type { TaskRecord, TaskState } from '../../api/sandbox-capacity.js';

/** The request may still deliver nodes: its nodes count as in flight in full (minus those already joined). */
export function isUnfinished(state: TaskState): boolean {
  return state === 'Requesting' || state === 'running' || state === 'timedOut';
}

/** ACK gave its verdict (success, or fully/partially failed). */
export function isFinished(state: TaskState): boolean {
  return state === 'success' || state === 'failed';
}

/** Known to ACK and not finished: poll it with DescribeTaskInfo. */
export function isPollable(record: TaskRecord): boolean {
  return (record.state === 'running' || record.state === 'timedOut') && record.taskId !== undefined;
}

export type AckTaskVerdict = 'running' | 'success' | 'failed';

/**
 * ACK's state string → verdict. Terminal: success; fail/failed; canceled/cancelled (nothing more will be
 * created, so treated as failed). Everything else (running, pause, unknown) is non-terminal.
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
