// Counting live and in-flight nodes.
//
// status.replicas      = matching Nodes without deletionTimestamp; readyReplicas = those with Ready=True.
// status.inFlightReplicas = Σ over task records of:
//   Requesting                    → count (the call may have created them: never assume it did not);
//   Running, TimedOut             → count − instances of the task already seen as Nodes. A TimedOut task keeps
//                                   counting until ACK reports a terminal state: missing a node for a while is
//                                   cheaper than buying a second bare-metal one while the first is still coming;
//   Succeeded, Failed (finished)  → instances not yet seen as Nodes and not released in ACK, plus those ACK
//                                   reported successful without an instance id;
//   Refused, Abandoned            → 0 (nothing was created / the request never reached ACK);
//   minus the unjoined instances written off under limits.maxUnjoinedNodes (plan.ts).
// A finished record's instance not seen as a Node by completionTime + joinGracePeriod is *unjoined*: it still
// costs money and may still join, so it keeps its place (nothing is bought instead) until it joins or ACK
// reports it gone (releasedInstanceIds); the resource says so (ledger.unjoined → the Stalled condition).
// "Seen as a Node" includes Nodes being deleted, and Nodes gone since: record.joinedInstanceIds remembers
// every instance once seen, so a joined-then-deleted node is a new shortfall at once, not a pending join.
import { CLUSTER_ID_LABEL, type SandboxCapacity, type SandboxCapacityStatus, type TaskRecord, type UnjoinedInstance } from '../../api/sandbox-capacity.js';
import { countedSelector } from './nodes.js';
import { selectorMismatch } from './ownership.js';
import { EventReason, Reason } from './reasons.js';
import type { PlannedEvent } from './types.js';
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

/** When a finished record's instances not yet seen as Nodes become unjoined; undefined when it is not finished or has no completionTime. */
export function joinDeadline(record: TaskRecord, joinGraceMs: number): number | undefined {
  if (record.state !== 'Succeeded' && record.state !== 'Failed') return undefined;
  // Without a completionTime (never written by this operator) the start is the safe side.
  const completed = parseTimestamp(record.completionTime) ?? parseTimestamp(record.startTime);
  return completed === undefined ? undefined : completed + joinGraceMs;
}

/** Nodes of one record that are requested but not joined (see the rule at the top of this file). */
export function inFlightOf(record: TaskRecord, joined: ReadonlySet<string>): number {
  switch (record.state) {
    case 'Requesting':
      return record.count;
    case 'Running':
    case 'TimedOut':
      return Math.max(0, record.count - countJoined(record, joined));
    case 'Succeeded':
    case 'Failed':
      return awaitedIds(record, joined).length + unidentified(record);
    case 'Refused':
    case 'Abandoned':
      return 0;
  }
}

/** Instances of a finished record neither seen as Nodes nor released in ACK. */
function awaitedIds(record: TaskRecord, joined: ReadonlySet<string>): string[] {
  const remembered = new Set(record.joinedInstanceIds ?? []);
  const released = new Set(record.releasedInstanceIds ?? []);
  return [...new Set(record.instanceIds ?? [])].filter((id) => !joined.has(id) && !remembered.has(id) && !released.has(id));
}

/** Nodes ACK reported created without naming their instance (success with a short task_result). */
function unidentified(record: TaskRecord): number {
  return Math.max(0, record.count - new Set(record.instanceIds ?? []).size - (record.failedCount ?? 0));
}

/** One unjoined place: an instance id, or '' for a node ACK reported without one. */
export interface UnjoinedPlace {
  instanceId: string;
  task: string;
}

/** A finished record's places still awaited after its join deadline (empty before it, or when all joined). */
export function unjoinedOf(record: TaskRecord, joined: ReadonlySet<string>, joinGraceMs: number, nowMs: number): UnjoinedPlace[] {
  const deadline = joinDeadline(record, joinGraceMs);
  if (deadline === undefined || nowMs < deadline) return [];
  const task = record.taskId ?? `intent ${record.intentId}`;
  const places = awaitedIds(record, joined).map((instanceId) => ({ instanceId, task }));
  for (let i = 0; i < unidentified(record); i += 1) places.push({ instanceId: '', task });
  return places;
}

// ---- Unjoined places: diagnosis and write-offs -------------------------------------------------

export interface UnjoinedAccount {
  /** Places written off under limits.maxUnjoinedNodes (no longer counted: replacements may be bought). */
  writtenOff: number;
  /** status.unjoined: every unjoined place with what is known about it. */
  entries: UnjoinedInstance[];
  /** Set when places keep counting although not joined: the resource's Stalled reason and message. */
  held?: { reason: typeof Reason.NodeSelectorMismatch | typeof Reason.NodesNotRegistered; message: string };
}

/** Oldest places are written off first, up to the limit; the rest hold their place and are explained. */
export function accountUnjoined(places: readonly UnjoinedPlace[], diagnosed: readonly UnjoinedInstance[] | undefined, maxUnjoined: number): UnjoinedAccount {
  const entries = places.map((place) => diagnosed?.find((d) => d.instanceId === place.instanceId && d.task === place.task && place.instanceId !== '') ?? placeholder(place));
  const writtenOff = Math.min(places.length, maxUnjoined);
  const heldEntries = entries.slice(writtenOff);
  if (heldEntries.length === 0) return { writtenOff, entries };
  const reason = heldEntries.some((e) => e.reason === Reason.NodeSelectorMismatch) ? Reason.NodeSelectorMismatch : Reason.NodesNotRegistered;
  const listed = heldEntries.slice(0, 5).map((e) => `${e.instanceId === '' ? 'an instance ACK did not name' : e.instanceId} (${e.task}): ${e.message}`).join('; ');
  const more = heldEntries.length > 5 ? `; and ${heldEntries.length - 5} more` : '';
  const limit = maxUnjoined === 0 ? 'limits.maxUnjoinedNodes is 0' : `limits.maxUnjoinedNodes ${maxUnjoined} already replaced`;
  const message = `${heldEntries.length} delivered ${heldEntries.length === 1 ? 'instance has' : 'instances have'} not joined as a matching Node: ${listed}${more}. They keep counting, so nothing is bought in their place (${limit}); fix the cause, or release them in ACK`;
  return { writtenOff, entries, held: { reason, message } };
}

function placeholder(place: UnjoinedPlace): UnjoinedInstance {
  const message = place.instanceId === '' ? 'ACK reported a node created without naming its instance, so it cannot be looked up' : 'not looked up in ACK yet';
  return { instanceId: place.instanceId, task: place.task, reason: Reason.NodesNotRegistered, message };
}

/** What ACK and Kubernetes say about one unjoined instance (the shell's lookup). */
export type UnjoinedLookup =
  | { instanceId: string; inAck: false }
  | { instanceId: string; inAck: true; ackState?: string; nodeName?: string; node?: { labels: Readonly<Record<string, string>> } | 'absent' };

/**
 * Folds lookups in: an instance ACK no longer lists is released (it stops counting and is replaced);
 * one it lists is diagnosed (status.unjoined): a Node the selector does not pick, with the labels that
 * differ (NodeSelectorMismatch), or no Node (NodesNotRegistered).
 */
export function foldUnjoinedLookups(capacity: SandboxCapacity, lookups: readonly UnjoinedLookup[]): { status: SandboxCapacityStatus; events: PlannedEvent[] } {
  const status = capacity.status ?? {};
  let tasks = status.tasks ?? [];
  const diagnosed = new Map((status.unjoined ?? []).map((e) => [e.instanceId, e]));
  const events: PlannedEvent[] = [];
  for (const lookup of lookups) {
    const record = tasks.find((r) => (r.instanceIds ?? []).includes(lookup.instanceId));
    if (record === undefined) continue;
    if (!lookup.inAck) {
      const released = [...new Set([...(record.releasedInstanceIds ?? []), lookup.instanceId])];
      tasks = tasks.map((r) => (r === record ? { ...r, releasedInstanceIds: released } : r));
      diagnosed.delete(lookup.instanceId);
      continue;
    }
    const entry = { instanceId: lookup.instanceId, task: record.taskId ?? `intent ${record.intentId}`, ...diagnose(capacity, lookup) };
    if (diagnosed.get(lookup.instanceId)?.message !== entry.message) events.push(unjoinedEvent(entry));
    diagnosed.set(lookup.instanceId, entry);
  }
  const entries = [...diagnosed.values()];
  const folded: SandboxCapacityStatus = { ...status, tasks };
  if (entries.length > 0) folded.unjoined = entries;
  else delete folded.unjoined;
  return { status: folded, events };
}

/** Warning InstancesUnjoined: said when an instance's diagnosis is new or changed. */
function unjoinedEvent(entry: UnjoinedInstance): PlannedEvent {
  return { type: 'Warning', reason: EventReason.InstancesUnjoined, message: `instance ${entry.instanceId} of ${entry.task} has not joined as a matching Node: ${entry.reason}: ${entry.message}` };
}

function diagnose(capacity: SandboxCapacity, lookup: Extract<UnjoinedLookup, { inAck: true }>): Pick<UnjoinedInstance, 'nodeName' | 'reason' | 'message'> {
  const state = lookup.ackState === undefined ? '' : ` (ACK state ${lookup.ackState})`;
  if (lookup.nodeName === undefined || lookup.nodeName === '') {
    return { reason: Reason.NodesNotRegistered, message: `ACK lists the instance${state} but maps it to no Node: kubelet or bootstrap failure?` };
  }
  const nodeName = lookup.nodeName;
  if (lookup.node === undefined || lookup.node === 'absent') {
    return { nodeName, reason: Reason.NodesNotRegistered, message: `ACK maps it to Node ${nodeName}${state}, which is not registered in Kubernetes: kubelet or bootstrap failure?` };
  }
  const labels = lookup.node.labels;
  const cluster = labels[CLUSTER_ID_LABEL];
  const differences = [
    ...(cluster !== undefined && cluster !== capacity.spec.clusterId ? [`${CLUSTER_ID_LABEL} is "${cluster}", not spec.clusterId`] : []),
    ...selectorMismatch(countedSelector(capacity.spec), labels),
  ];
  if (differences.length === 0) {
    return { nodeName, reason: Reason.NodeSelectorMismatch, message: `Node ${nodeName} matches spec.nodeSelector but is outside the operator's Node watch (--node-label-selector)` };
  }
  return { nodeName, reason: Reason.NodeSelectorMismatch, message: `it is Node ${nodeName}, which spec.nodeSelector does not select: ${differences.join('; ')}` };
}
