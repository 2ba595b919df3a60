// Every answer ACK gives about the node pool, folded into status.nodePool. Pure; folding the same
// answer twice changes nothing.
//
// DescribeClusterNodePoolDetail:
//   a pool we may size    → the view (desired size, state, counts, observedTime); a desired size that is
//                           neither the one seen before nor our last write is drift: Warning Event
//                           NodePoolDriftDetected with old and new values (status.nodePool.drift)
//   a pool not ours to size → problem NodePoolNotEligible naming the field and its value
//   ErrorNodePoolNotFound / ErrorClusterNotFound → problem NodePoolNotFound / ClusterNotFound
//   any other refusal     → a Blocked for the credentials and permission kinds, else retried later
// DescribeTaskInfo of our last write's task, while the pool reports failed nodes → taskError
// ModifyClusterNodePool (lastWrite already in status):
//   accepted              → lastWrite gets taskId and requestId; failures reset; Event NodePoolResized
//   unknown outcome       → lastWrite stays without a task: the next read settles it
//   pool busy             → wait (busy backoff, not a failure); the pool is read again
//   pool or cluster gone  → problem, as for the read
//   other refusals        → the backoff and stalls of failures.ts, as for ScaleOutCluster
import type { NodePoolStatus, SandboxCapacity, SandboxCapacityStatus } from '../../api/sandbox-capacity.js';
import { SANDBOX_RUNTIME_VALUE } from '../../api/sandbox-capacity.js';
import type { AckNodePool, CloudErrorInfo } from '../../cloud/ack-api.js';
import { refreshConditions } from './conditions.js';
import { credentialsOf, describeCloudError, resetFailures, toBlocked } from './failures.js';
import { driftPolicyOf, poolViewOf } from './node-pool.js';
import { backOff } from './outcomes.js';
import { EventReason, Reason } from './reasons.js';
import { parseTimestamp, toPreciseTimestamp, toTimestamp } from './time.js';
import type { Blocked, NodePoolWrite, Outcome, PlannedEvent, Random, Verdict } from './types.js';

/** Why the operator may not size this pool (the field and its value), or undefined when it may. */
export function eligibilityProblem(pool: Pick<AckNodePool, 'runtime' | 'autoScalingEnabled' | 'autoModeEnabled' | 'type'>): string | undefined {
  if (pool.runtime !== SANDBOX_RUNTIME_VALUE) return `kubernetes_config.runtime is "${pool.runtime}": only a ${SANDBOX_RUNTIME_VALUE} pool is sized`;
  if (pool.autoScalingEnabled) return 'auto_scaling.enable is true: ACK\'s autoscaler owns the desired size of this pool';
  if (pool.autoModeEnabled) return 'auto_mode.enable is true: ACK manages the size of this pool';
  if (pool.type !== 'ess') return `nodepool_info.type is "${pool.type}": only an ess pool is sized`;
  return undefined;
}

function counts(nodepoolId: string, pool: AckNodePool, observedTime: string): NodePoolStatus {
  return {
    nodepoolId, desiredSize: pool.desiredSize, state: pool.state, totalNodes: pool.totalNodes, healthyNodes: pool.healthyNodes,
    initialNodes: pool.initialNodes, failedNodes: pool.failedNodes, observedTime,
  };
}

export function foldNodePoolRead(capacity: SandboxCapacity, pool: AckNodePool, nowMs: number): Outcome {
  const status = capacity.status ?? {};
  const before = poolViewOf(capacity);
  const poolId = capacity.spec.nodePool?.id ?? pool.nodepoolId;
  // Every read folded here happened after the lastWrite already in the status (reads precede the
  // plan that may write), so it is stamped after it even within the same millisecond.
  const written = parseTimestamp(before?.lastWrite?.time) ?? Number.NEGATIVE_INFINITY;
  const view = carried(counts(poolId, pool, toPreciseTimestamp(Math.max(nowMs, written + 1))), before, pool);
  const problem = eligibilityProblem(pool);
  if (problem !== undefined) {
    view.problem = { reason: Reason.NodePoolNotEligible, message: `node pool ${poolId} is not eligible: ${problem}; nothing is written` };
    return { status: { ...status, nodePool: view }, events: [] };
  }
  const events: PlannedEvent[] = [];
  const drift = driftOf(capacity, before, pool.desiredSize, nowMs);
  if (drift !== undefined) {
    view.drift = drift;
    events.push({ type: 'Warning', reason: EventReason.NodePoolDriftDetected, message: driftMessage(capacity, poolId, drift.from, drift.to) });
  }
  return { status: { ...status, nodePool: view }, events };
}

/** What a read keeps of the previous view: our last write, the task error while nodes fail, a drift still in place. */
function carried(view: NodePoolStatus, before: NodePoolStatus | undefined, pool: AckNodePool): NodePoolStatus {
  if (before?.lastWrite !== undefined) view.lastWrite = before.lastWrite;
  if (before?.taskError !== undefined && pool.failedNodes > 0) view.taskError = before.taskError;
  if (before?.drift !== undefined && before.drift.to === pool.desiredSize) view.drift = before.drift;
  return view;
}

/** A desired size that is neither the one last seen nor the one we last wrote. */
function driftOf(capacity: SandboxCapacity, before: NodePoolStatus | undefined, desired: number, nowMs: number): NodePoolStatus['drift'] {
  if (before === undefined || before.problem !== undefined) return undefined;
  if (desired === before.desiredSize || desired === before.lastWrite?.desiredSize) return undefined;
  return { from: before.desiredSize, to: desired, time: toTimestamp(nowMs), observedGeneration: capacity.metadata.generation ?? 0 };
}

function driftMessage(capacity: SandboxCapacity, poolId: string, from: number, to: number): string {
  const target = capacity.spec.replicas;
  const head = `node pool ${poolId}'s desired size changed from ${from} to ${to}, not by this operator`;
  if (to > target) return `${head}: above spec.replicas ${target}, reported as surplus and never lowered here`;
  if (to === target) return `${head}: it equals spec.replicas`;
  return driftPolicyOf(capacity.spec) === 'Enforce'
    ? `${head}: below spec.replicas ${target}, driftPolicy Enforce writes the target back`
    : `${head}: below spec.replicas ${target}, driftPolicy Observe leaves it until the spec changes`;
}

export interface ReadFailure {
  outcome?: Outcome;
  blocked?: Blocked;
}

/** A refused read: the pool or cluster gone is recorded (nothing is written); credentials and permissions block. */
export function foldNodePoolReadError(capacity: SandboxCapacity, info: CloudErrorInfo): ReadFailure {
  const gone = goneProblem(capacity, info);
  if (gone !== undefined) return { outcome: withProblem(capacity, gone) };
  const blocked = toBlocked(info, 'DescribeClusterNodePoolDetail', credentialsOf(capacity));
  return blocked === undefined ? {} : { blocked };
}

function goneProblem(capacity: SandboxCapacity, info: CloudErrorInfo): NodePoolStatus['problem'] {
  if (info.kind !== 'notFound') return undefined;
  const poolId = capacity.spec.nodePool?.id ?? '';
  if (/NodePool/.test(info.code)) return { reason: Reason.NodePoolNotFound, message: `node pool ${poolId} not found in cluster ${capacity.spec.clusterId}: ${describeCloudError(info)}` };
  return { reason: Reason.ClusterNotFound, message: `cluster ${capacity.spec.clusterId} not found: ${describeCloudError(info)}` };
}

function withProblem(capacity: SandboxCapacity, problem: NonNullable<NodePoolStatus['problem']>): Outcome {
  const status = capacity.status ?? {};
  const before = poolViewOf(capacity);
  const base: NodePoolStatus = before ?? { nodepoolId: capacity.spec.nodePool?.id ?? '', desiredSize: 0, state: '', totalNodes: 0, healthyNodes: 0, initialNodes: 0, failedNodes: 0, observedTime: toTimestamp(0) };
  return { status: { ...status, nodePool: { ...base, problem } }, events: [] };
}

/** The error of our last write's task (stock-out, quota), shown with ScaleUpStalled. */
export function foldPoolTaskError(capacity: SandboxCapacity, error: { code: string; message: string } | undefined): SandboxCapacityStatus {
  const status = capacity.status ?? {};
  const view = poolViewOf(capacity);
  if (view === undefined || error === undefined) return status;
  return { ...status, nodePool: { ...view, taskError: error } };
}

function withLastWrite(status: SandboxCapacityStatus, write: NodePoolWrite, ids: { taskId: string; requestId?: string }): SandboxCapacityStatus {
  const view = status.nodePool;
  const last = view?.lastWrite;
  if (view === undefined || last?.desiredSize !== write.desiredSize) return status;
  return { ...status, nodePool: { ...view, lastWrite: { ...last, taskId: ids.taskId, ...(ids.requestId === undefined || ids.requestId === '' ? {} : { requestId: ids.requestId }) } } };
}

export function recordPoolWriteAccepted(capacity: SandboxCapacity, write: NodePoolWrite, ids: { taskId: string; requestId?: string }, nowMs: number): Outcome {
  const status = resetFailures(withLastWrite(capacity.status ?? {}, write, ids));
  const message = `desired size of node pool ${write.nodepoolId} set to ${write.desiredSize} (was ${write.previousSize}; task ${ids.taskId}${ids.requestId ? `, request ${ids.requestId}` : ''})`;
  const verdict: Verdict = { action: 'ScaleOut', reason: Reason.ScalingOut, message, count: write.desiredSize - write.previousSize };
  return { status: refreshConditions(capacity, status, verdict, nowMs), events: [{ type: 'Normal', reason: EventReason.NodePoolResized, message }] };
}

export function recordPoolWriteFailed(capacity: SandboxCapacity, write: NodePoolWrite, info: CloudErrorInfo, nowMs: number, random: Random): Outcome {
  const status = capacity.status ?? {};
  if (info.kind === 'unknownOutcome') {
    const verdict: Verdict = { action: 'Wait', reason: Reason.OutcomeUnknown, message: `writing desired size ${write.desiredSize} to node pool ${write.nodepoolId}: ${describeCloudError(info)}; the pool is read again before anything else is written` };
    return { status: refreshConditions(capacity, status, verdict, nowMs), events: [] };
  }
  const gone = goneProblem(capacity, info);
  if (gone !== undefined) return withProblem(capacity, gone);
  const cause = `ModifyClusterNodePool of node pool ${write.nodepoolId} to desired size ${write.desiredSize} refused: ${describeCloudError(info)}`;
  return backOff(capacity, status, { info, cause, nowMs, random });
}
