// The per-resource series: the gauges that mirror each resource's status after every reconcile, the
// outcome counters of its ScaleOutCluster calls, and the time each requested node took to be Ready.
import type { NodeRemoval, SandboxCapacity } from '../api/sandbox-capacity.js';
import type { CloudErrorInfo } from '../cloud/ack-api.js';
import { SCALE_OUT_OUTCOMES, type OperatorMetrics } from '../observability/metrics.js';
import { EventReason, parseTimestamp, type ObservedNode, type PlannedEvent } from './core/index.js';

type Labels = { namespace: string; name: string };

function labelsOf(sc: SandboxCapacity): Labels {
  return { namespace: sc.metadata.namespace, name: sc.metadata.name };
}

export function updateResourceMetrics(m: OperatorMetrics, sc: SandboxCapacity): void {
  const labels = labelsOf(sc);
  const s = sc.status ?? {};
  m.desiredReplicas.set(labels, sc.spec.replicas);
  m.liveReplicas.set(labels, s.replicas ?? 0);
  m.readyReplicas.set(labels, s.readyReplicas ?? 0);
  m.inFlightReplicas.set(labels, s.inFlightReplicas ?? 0);
  const stalled = s.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True') ?? false;
  m.stalled.set(labels, stalled ? 1 : 0);
  m.unjoinedInstances.set(labels, s.unjoined?.length ?? 0);
  m.consecutiveFailures.set(labels, s.consecutiveFailures ?? 0);
  m.nextRetryTimestamp.set(labels, (parseTimestamp(s.nextRetryTime) ?? 0) / 1000);
}

/** The bounded reason label of a call's outcome: none, unknownOutcome, or the kind of refusal. */
export function outcomeReason(info: CloudErrorInfo | undefined): string {
  return info === undefined ? 'none' : info.kind;
}

/**
 * One ScaleOutCluster call's outcome, for scale_out_requests_total and nodes_requested_total. Every
 * (result, reason) pair of the resource starts at 0 with its first call, so increase() in an alert
 * sees the very first refusal too.
 */
export function countScaleOut(m: OperatorMetrics, sc: SandboxCapacity, count: number, info?: CloudErrorInfo): void {
  for (const pair of SCALE_OUT_OUTCOMES) {
    m.scaleOutRequests.inc({ ...labelsOf(sc), ...pair }, 0);
    m.nodesRequested.inc({ ...labelsOf(sc), ...pair }, 0);
  }
  const result = info === undefined ? 'accepted' : info.kind === 'unknownOutcome' ? 'unknown' : 'refused';
  const labels = { ...labelsOf(sc), result, reason: outcomeReason(info) };
  m.scaleOutRequests.inc(labels);
  m.nodesRequested.inc(labels, count);
}

/**
 * Seconds from a request to each of its nodes being Ready, observed once per node and only for nodes
 * this process saw not yet Ready (a restarted operator does not report nodes that were Ready long ago).
 */
export class NodeReadyTimer {
  /** Per resource key: instances seen requested but not yet Ready, with their request time. */
  private readonly pending = new Map<string, Map<string, number>>();

  observe(m: OperatorMetrics, key: string, sc: SandboxCapacity, nodes: readonly ObservedNode[], nowMs: number): void {
    const before = this.pending.get(key) ?? new Map<string, number>();
    const waiting = new Map<string, number>();
    const ready = new Set(nodes.filter((n) => n.ready && !n.deleting).flatMap((n) => (n.instanceId === undefined ? [] : [n.instanceId])));
    for (const record of sc.status?.tasks ?? []) {
      const requestedAt = parseTimestamp(record.startTime);
      if (requestedAt === undefined) continue;
      for (const id of record.instanceIds ?? []) {
        const since = before.get(id);
        if (!ready.has(id)) waiting.set(id, since ?? requestedAt);
        else if (since !== undefined) m.nodeReadyDuration.observe(labelsOf(sc), Math.max(0, nowMs - since) / 1000);
      }
    }
    // Instances no longer on record (pruned) are forgotten with it.
    this.pending.set(key, waiting);
  }

  forget(key: string): void {
    this.pending.delete(key);
  }
}

/**
 * Scale-in's series. Removed: the pass's ScaleInCompleted Events (the Node gone after ACK was asked,
 * or the instance already gone) — a refused removal also leaves status, so status alone cannot tell.
 * Drain durations, from how the pass changed status.scaleIn.removals: a Draining removal that became
 * Removing was drained, one that vanished was given up.
 */
export function observeScaleIn(m: OperatorMetrics, before: SandboxCapacity, after: SandboxCapacity, events: readonly PlannedEvent[], nowMs: number): void {
  const labels = labelsOf(before);
  const removed = events.filter((e) => e.reason === EventReason.ScaleInCompleted).length;
  if (removed > 0) m.nodesRemoved.inc(labels, removed);
  const next = new Map((after.status?.scaleIn?.removals ?? []).map((r) => [r.nodeName, r]));
  for (const removal of before.status?.scaleIn?.removals ?? []) {
    const now = next.get(removal.nodeName);
    if (removal.phase === 'Draining' && now?.phase !== 'Draining') observeDrainEnd(m, labels, removal, now, nowMs);
  }
}

function observeDrainEnd(m: OperatorMetrics, labels: Labels, removal: NodeRemoval, now: NodeRemoval | undefined, nowMs: number): void {
  const started = parseTimestamp(removal.startTime) ?? nowMs;
  const ended = now === undefined ? nowMs : (parseTimestamp(now.removeTime) ?? nowMs);
  m.drainDuration.observe({ ...labels, result: now === undefined ? 'givenUp' : 'drained' }, Math.max(0, ended - started) / 1000);
}
