// Messages shared by the planner and the outcome folders, so a status written after a cloud call and the
// status the next plan derives say exactly the same thing (no churn, no spurious transitions).
import type { TaskRecord } from '../../api/sandbox-capacity.js';
import { Reason } from './reasons.js';

/** Message of the newest failed or abandoned record: what the current backoff is about. */
export function lastFailureMessage(tasks: readonly TaskRecord[]): string | undefined {
  return tasks.find((record) => (record.state === 'failed' || record.state === 'abandoned') && record.message !== undefined)?.message;
}

export function backoffMessage(reason: string, nextRetryTime: string, failures: number, lastFailure: string | undefined): string {
  if (reason === Reason.ClusterBusy) return `cluster busy, retrying after ${nextRetryTime}${lastFailure === undefined ? '' : `: ${lastFailure}`}`;
  const cause = lastFailure === undefined ? '' : `; last: ${lastFailure}`;
  return `retrying after ${nextRetryTime} (${failures} consecutive failures${cause})`;
}

export function busyWithOwnTaskMessage(running: readonly string[], lastFailure: string | undefined): string {
  return `cluster busy with our scale-out ${running.join(', ')}: next request when it ends${lastFailure === undefined ? '' : `; ACK said: ${lastFailure}`}`;
}

export function stallMessage(cause: string, nextRetryTime: string): string {
  return `${cause}; no retry until the spec changes or until ${nextRetryTime}`;
}

export function outcomeUnknownMessage(intentIds: readonly string[]): string {
  return `outcome of request ${intentIds.join(', ')} not yet known: looking for its task in the cluster's task list before requesting more`;
}
