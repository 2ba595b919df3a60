// The node-pool backend as the planner sees it (ACK's supported path, ../shared/ack-nodepool.md): the
// pool's desired size (scaling_group.desired_size) is absolute, and ACK converges to it by itself. Its
// ledger is status.nodePool — the pool as last read, and our last write (lastWrite). Each plan it
//   - counts in flight = the pool's desired size − live matching Nodes (never negative);
//   - stalls on what the last read found: the pool or cluster gone, or a pool that is not ours to size
//     (NodePoolNotEligible, naming the field and its value) — nothing is written;
//   - knows what is unresolved: no read yet, or our last write newer than the last read (its outcome
//     is unknown until the pool is read again: if the desired size is already N the write took effect,
//     otherwise N is written again — idempotent because it is absolute);
//   - holds writes while the pool is not active (NodePoolBusy), while someone else's lowering is to be
//     left alone (driftPolicy Observe, until the spec changes), and while the last read is too old to
//     write on;
//   - reports ScaleUpStalled when live Ready Nodes stay below the desired size past limits.taskTimeout,
//     or the pool reports failed nodes (with the write task's error): ESS retries by itself, so the
//     operator never re-writes to "kick" a pool;
//   - places every request on the pool; the planner caps it by maxNodesPerScaleOut (steps) and
//     maxInFlightNodes (desired − live), and it only ever raises: N = the pool's desired size + count.
import type { NodePoolStatus, SandboxCapacity, SandboxCapacitySpec, SandboxCapacityStatus } from '../../api/sandbox-capacity.js';
import { findCondition } from './conditions.js';
import { countNodes } from './counting.js';
import { ConditionType, EventReason, Reason, plural } from './reasons.js';
import { BLOCKED_RECHECK_MS, POLL_RUNNING_MS, RECOVERY_RECHECK_MS } from './schedule.js';
import type { Settings } from './settings.js';
import { formatDuration, parseTimestamp, toPreciseTimestamp, toTimestamp } from './time.js';
import type { Ledger, LedgerCommit, NodePoolWrite, ObservedNode, PlannedEvent, RequestShape } from './types.js';

/** A write is made only on a read at most this old (the refresh reads before a write is due). */
export const POOL_VIEW_FRESH_FOR_WRITE_MS = 2 * POLL_RUNNING_MS;

export interface NodePoolInput {
  capacity: SandboxCapacity;
  nodes: readonly ObservedNode[];
  settings: Settings;
  nowMs: number;
}

type Hold = NonNullable<Ledger['hold']>;

/** status.nodePool when it is a view of the pool the spec names now (after an id change: none). */
export function poolViewOf(capacity: SandboxCapacity): NodePoolStatus | undefined {
  const view = capacity.status?.nodePool;
  return view !== undefined && view.nodepoolId === capacity.spec.nodePool?.id ? view : undefined;
}

export function nodePoolLedger(input: NodePoolInput): Ledger {
  const { capacity, nodes, nowMs } = input;
  const poolId = capacity.spec.nodePool?.id ?? '';
  const view = poolViewOf(capacity);
  const counts = countNodes(nodes);
  const inFlight = inFlightOf(view, counts.replicas);
  const stall = view === undefined ? undefined : stallOf(capacity, view, counts.readyReplicas, input);
  const unresolved = unresolvedOf(poolId, view);
  const hold = view === undefined ? undefined : holdOf(capacity, view, nowMs);
  return {
    inFlight,
    inFlightLabels: inFlight > 0 ? [`node pool ${poolId} at desired size ${view?.desiredSize ?? 0}`] : [],
    unjoined: [],
    ...(unresolved === undefined ? {} : { unresolved }),
    ...(hold === undefined ? {} : { hold }),
    ...(stall === undefined ? {} : { stalled: stall }),
    events: stallEvents(capacity, stall),
    // The pool's own shortfall: target N = max(spec.replicas, desired size) less the desired size.
    // Live Nodes above the desired size are ACK's to remove, so they do not shrink the raise.
    place(shortfall: number) {
      if (poolId === '') return undefined;
      return { targets: [poolId], allocation: Math.max(shortfall, capacity.spec.replicas - (view?.desiredSize ?? 0)) };
    },
    commit(status: SandboxCapacityStatus, request: RequestShape | undefined): LedgerCommit {
      if (view === undefined) return { status, wakeUpsMs: unresolved === undefined ? [] : [RECOVERY_RECHECK_MS] };
      const nodePool = withShortSince(view, counts.readyReplicas, nowMs);
      const write = request === undefined || request.count <= 0 ? undefined : poolWrite(poolId, view, request.count, capacity.spec.replicas);
      if (write !== undefined) nodePool.lastWrite = { desiredSize: write.desiredSize, time: toPreciseTimestamp(Math.max(nowMs, (parseTimestamp(view.observedTime) ?? 0) + 1)) };
      const committed: SandboxCapacityStatus = { ...status, nodePool };
      return { status: committed, wakeUpsMs: wakeUpsOf(nodePool, { inFlight, hold, unresolved, settings: input.settings, nowMs }), ...(write === undefined ? {} : { poolWrite: write }) };
    },
  };
}

/** Desired size less live matching Nodes, never negative; nothing while the pool cannot be counted on. */
function inFlightOf(view: NodePoolStatus | undefined, live: number): number {
  return view === undefined || view.problem !== undefined ? 0 : Math.max(0, view.desiredSize - live);
}

/** A Warning ScaleUpStalled when the resource newly stalls so. */
function stallEvents(capacity: SandboxCapacity, stall: Ledger['stalled']): PlannedEvent[] {
  if (stall?.reason !== Reason.ScaleUpStalled || stalledWith(capacity.status, Reason.ScaleUpStalled)) return [];
  return [scaleUpStalledEvent(stall.message)];
}

/** The absolute size to write: the desired size raised by the planned (capped) count, never past spec.replicas. */
function poolWrite(nodepoolId: string, view: NodePoolStatus, count: number, replicas: number): NodePoolWrite {
  return { nodepoolId, desiredSize: Math.min(Math.max(replicas, view.desiredSize), view.desiredSize + count), previousSize: view.desiredSize };
}

/**
 * The write a dry run stands in for: `count` more nodes on the pool as last read, as the absolute
 * size ModifyClusterNodePool would be sent (undefined before the first read, or with nothing to add).
 */
export function wouldWritePool(capacity: SandboxCapacity, count: number): NodePoolWrite | undefined {
  const view = poolViewOf(capacity);
  const poolId = capacity.spec.nodePool?.id;
  if (view === undefined || poolId === undefined || count <= 0) return undefined;
  return poolWrite(poolId, view, count, capacity.spec.replicas);
}

/** Eligibility and not-found problems of the last read; then a scale-up that does not come. */
function stallOf(capacity: SandboxCapacity, view: NodePoolStatus, ready: number, { settings, nowMs }: NodePoolInput): Ledger['stalled'] {
  if (view.problem !== undefined) return view.problem;
  if (ready >= view.desiredSize) return undefined;
  const since = parseTimestamp(view.shortSince);
  const overdue = since !== undefined && nowMs - since >= settings.taskTimeoutMs;
  if (view.failedNodes <= 0 && !overdue) return undefined;
  const why = view.failedNodes > 0
    ? `the pool reports ${plural(view.failedNodes, 'failed node')} (ESS keeps retrying)`
    : `still short after limits.taskTimeout (${formatDuration(settings.taskTimeoutMs)})`;
  const error = view.taskError === undefined ? '' : `; its last write's task failed: ${view.taskError.code}: ${view.taskError.message}`;
  return { reason: Reason.ScaleUpStalled, message: `${ready} of ${plural(view.desiredSize, 'node')} of node pool ${capacity.spec.nodePool?.id ?? ''} Ready: ${why} (${describePool(view)})${error}${unselectedHint(view, ready)}` };
}

/** ACK counts more healthy nodes than the resource sees Ready: they are Nodes the selector (or the Node watch) leaves out. */
function unselectedHint(view: NodePoolStatus, ready: number): string {
  if (view.healthyNodes <= ready) return '';
  return `; ACK reports ${plural(view.healthyNodes, 'healthy node')} in the pool: ${view.healthyNodes - ready} of them are not Ready Nodes that spec.nodeSelector selects (check its labels, and the operator's --node-label-selector)`;
}

export function describePool(view: NodePoolStatus): string {
  return `pool ${view.state}, desired ${view.desiredSize}, total ${view.totalNodes}, healthy ${view.healthyNodes}, initial ${view.initialNodes}, failed ${view.failedNodes}`;
}

function unresolvedOf(poolId: string, view: NodePoolStatus | undefined): Ledger['unresolved'] {
  if (view === undefined) return { ids: [], message: `reading node pool ${poolId} before writing its desired size` };
  const write = view.lastWrite;
  if (write === undefined || write.taskId !== undefined) return undefined;
  const written = parseTimestamp(write.time) ?? 0;
  if ((parseTimestamp(view.observedTime) ?? 0) > written) return undefined;
  return {
    ids: [],
    message: `the outcome of writing desired size ${write.desiredSize} to node pool ${poolId} is unknown: the pool is read again, and the same size written again only if it did not take effect`,
  };
}

/** Why a write must wait now, if it must (only consulted when there is something to write). */
function holdOf(capacity: SandboxCapacity, view: NodePoolStatus, nowMs: number): Hold | undefined {
  const poolId = capacity.spec.nodePool?.id ?? '';
  if (view.state !== 'active') {
    return { reason: Reason.NodePoolBusy, message: `node pool ${poolId} is ${view.state || 'in an unknown state'}: its desired size is written once it is active (${describePool(view)})` };
  }
  if (observesDrift(capacity, view)) {
    const drift = view.drift;
    return {
      reason: Reason.NodePoolDriftDetected,
      message: `node pool ${poolId}'s desired size was set to ${drift?.to ?? view.desiredSize} by someone else (was ${drift?.from ?? '?'}); driftPolicy Observe leaves it until the spec changes`,
    };
  }
  const observed = parseTimestamp(view.observedTime) ?? 0;
  if (nowMs - observed > POOL_VIEW_FRESH_FOR_WRITE_MS) {
    return { reason: Reason.NodePoolBusy, message: `node pool ${poolId} was last read at ${view.observedTime}: it is read again before its desired size is written` };
  }
  return undefined;
}

/** Observe policy, the pool still at the size someone else set, and no spec change since. */
function observesDrift(capacity: SandboxCapacity, view: NodePoolStatus): boolean {
  const drift = view.drift;
  if (drift === undefined || driftPolicyOf(capacity.spec) !== 'Observe') return false;
  return drift.to === view.desiredSize && drift.observedGeneration === (capacity.metadata.generation ?? 0);
}

export function driftPolicyOf(spec: SandboxCapacitySpec): 'Enforce' | 'Observe' {
  return spec.nodePool?.driftPolicy === 'Observe' ? 'Observe' : 'Enforce';
}

/** shortSince: when live Ready Nodes first fell below the desired size; cleared once they reach it. */
function withShortSince(view: NodePoolStatus, ready: number, nowMs: number): NodePoolStatus {
  const next = { ...view };
  if (view.problem !== undefined || ready >= view.desiredSize) delete next.shortSince;
  else next.shortSince ??= toTimestamp(nowMs);
  return next;
}

interface WakeFacts {
  inFlight: number;
  hold: Hold | undefined;
  unresolved: Ledger['unresolved'];
  settings: Settings;
  nowMs: number;
}

function wakeUpsOf(view: NodePoolStatus, { inFlight, hold, unresolved, settings, nowMs }: WakeFacts): number[] {
  const wakeUps: number[] = [];
  if (unresolved !== undefined) wakeUps.push(RECOVERY_RECHECK_MS);
  if (inFlight > 0 || hold !== undefined || view.state !== 'active') wakeUps.push(POLL_RUNNING_MS);
  if (view.problem !== undefined) wakeUps.push(BLOCKED_RECHECK_MS);
  const since = parseTimestamp(view.shortSince);
  if (since !== undefined && since + settings.taskTimeoutMs > nowMs) wakeUps.push(since + settings.taskTimeoutMs - nowMs);
  return wakeUps;
}

function stalledWith(status: SandboxCapacityStatus | undefined, reason: string): boolean {
  const stalled = findCondition(status?.conditions, ConditionType.Stalled);
  return stalled?.status === 'True' && stalled.reason === reason;
}

function scaleUpStalledEvent(message: string): PlannedEvent {
  return { type: 'Warning', reason: EventReason.ScaleUpStalled, message };
}
