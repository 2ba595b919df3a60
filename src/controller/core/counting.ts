// Counting live and in-flight nodes.
//
// status.replicas      = matching Nodes without deletionTimestamp; readyReplicas = those with Ready=True.
// status.inFlightReplicas = Σ over task records of:
//   Requesting                    → count (the call may have created them: never assume it did not);
//   Running, TimedOut             → count − instances of the task already seen as Nodes. A TimedOut task keeps
//                                   counting until ACK reports a terminal state: missing a node for a while is
//                                   cheaper than buying a second bare-metal one while the first is still coming;
//   Succeeded, Failed (finished)  → instances not yet seen as Nodes, plus those ACK reported successful without
//                                   an instance id, only until completionTime + joinGracePeriod; 0 afterwards;
//   Refused, Abandoned            → 0 (nothing was created / the request never reached ACK).
// "Seen as a Node" includes Nodes being deleted, and Nodes gone since: record.joinedInstanceIds remembers
// every instance once seen, so a joined-then-deleted node is a new shortfall at once, not a pending join.
import type { TaskRecord } from '../../api/sandbox-capacity.js';
import { parseTimestamp } from './time.js';
import type { ObservedNode } from './types.js';

export interface NodeCounts {
  replicas: number;
  readyReplicas: number;
}

export function countNodes(nodes: readonly ObservedNode[]): NodeCounts {
  const live = nodes.filter((node) => !node.deleting);
  return { replicas: live.length, readyReplicas: live.filter((node) => node.ready).length };
}

/** Instance ids of every observed Node, deleting ones included. */
export function joinedInstanceIds(nodes: readonly ObservedNode[]): Set<string> {
  const ids = new Set<string>();
  for (const node of nodes) if (node.instanceId !== undefined) ids.add(node.instanceId);
  return ids;
}

function countJoined(record: TaskRecord, joined: ReadonlySet<string>): number {
  const remembered = new Set(record.joinedInstanceIds ?? []);
  return [...new Set(record.instanceIds ?? [])].filter((id) => joined.has(id) || remembered.has(id)).length;
}

/** The record with the instances now seen as Nodes added to joinedInstanceIds (unchanged object when none are new). */
export function rememberJoined(record: TaskRecord, joined: ReadonlySet<string>): TaskRecord {
  const known = new Set(record.joinedInstanceIds ?? []);
  const fresh = (record.instanceIds ?? []).filter((id) => joined.has(id) && !known.has(id));
  return fresh.length === 0 ? record : { ...record, joinedInstanceIds: [...known, ...fresh] };
}

/** When a finished record's nodes stop counting; undefined when it is not finished or has no completionTime. */
export function joinDeadline(record: TaskRecord, joinGraceMs: number): number | undefined {
  if (record.state !== 'Succeeded' && record.state !== 'Failed') return undefined;
  const completed = parseTimestamp(record.completionTime);
  return completed === undefined ? undefined : completed + joinGraceMs;
}

/** Nodes of one record that are requested but not joined (see the rule at the top of this file). */
export function inFlightOf(record: TaskRecord, joined: ReadonlySet<string>, joinGraceMs: number, nowMs: number): number {
  switch (record.state) {
    case 'Requesting':
      return record.count;
    case 'Running':
    case 'TimedOut':
      return Math.max(0, record.count - countJoined(record, joined));
    case 'Succeeded':
    case 'Failed':
      return pendingJoins(record, joined, joinGraceMs, nowMs);
    case 'Refused':
    case 'Abandoned':
      return 0;
  }
}

function pendingJoins(record: TaskRecord, joined: ReadonlySet<string>, joinGraceMs: number, nowMs: number): number {
  const deadline = joinDeadline(record, joinGraceMs) ?? nowMs;
  if (nowMs >= deadline) return 0;
  const ids = new Set(record.instanceIds ?? []);
  const unidentified = Math.max(0, record.count - ids.size - (record.failedCount ?? 0));
  return ids.size - countJoined(record, joined) + unidentified;
}
