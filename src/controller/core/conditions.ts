// kstatus conditions (Ready, Reconciling, Stalled) derived from the counts and the verdict.
//   Stalled      True iff the verdict is Blocked (reason and message say why).
//   Reconciling  True while the controller is working toward the spec (ScaleOut or Wait verdicts);
//                False when up to date, paused, in dry-run or stalled.
//   Ready        True iff readyReplicas ≥ spec.replicas (reason SurplusNodes when more nodes match than
//                desired); otherwise False with the verdict's reason and message.
// lastTransitionTime changes only when a condition's status changes.
//
// Events follow transitions only, so a repeated plan emits nothing new:
//   Stalled      when the Stalled condition becomes True or changes reason/message;
//   SurplusNodes when a surplus appears or its size changes (compared with the previous status of the same
//                generation; a spec change reports it again once);
//   DryRun       when the dry-run would-be request changes (reason or count);
//   OverlappingSelector when status.overlapping changes to a non-empty list;
//   NodeDisappeared     when counted Nodes seen last time are gone, saying which and what follows.
// InstancesUnjoined comes with the lookup that diagnosed the instance (counting.ts foldUnjoinedLookups).
// TaskTimedOut comes from tasks.ts, the cloud-outcome Events from outcomes.ts and recovery.ts.
import type { Condition, SandboxCapacity, SandboxCapacityStatus } from '../../api/sandbox-capacity.js';
import { ConditionType, EventReason, Reason, plural } from './reasons.js';
import { toTimestamp } from './time.js';
import type { PlannedEvent, Verdict } from './types.js';

export interface ConditionFacts {
  desired: number;
  replicas: number;
  readyReplicas: number;
  verdict: Verdict;
  generation: number;
}

export function buildConditions(previous: readonly Condition[] | undefined, facts: ConditionFacts, nowMs: number): Condition[] {
  const wanted = [readyCondition(facts), reconcilingCondition(facts), stalledCondition(facts)];
  const others = (previous ?? []).filter((condition) => !wanted.some((w) => w.type === condition.type));
  return [...wanted.map((condition) => withTransitionTime(condition, previous, nowMs)), ...others];
}

type Draft = Omit<Condition, 'lastTransitionTime'>;

function readyCondition({ desired, replicas, readyReplicas, verdict, generation }: ConditionFacts): Draft {
  if (readyReplicas >= desired) {
    const surplus = replicas - desired;
    const message = surplus > 0 ? `${readyReplicas} ready; ${surplusMessage(replicas, desired)}` : `${readyReplicas} of ${plural(desired, 'node')} ready`;
    return { type: ConditionType.Ready, status: 'True', reason: surplus > 0 ? Reason.SurplusNodes : Reason.NodesReady, message, observedGeneration: generation };
  }
  return { type: ConditionType.Ready, status: 'False', reason: verdict.reason, message: verdict.message, observedGeneration: generation };
}

function reconcilingCondition({ verdict, generation }: ConditionFacts): Draft {
  const working = verdict.action === 'ScaleOut' || verdict.action === 'Wait';
  return {
    type: ConditionType.Reconciling,
    status: working ? 'True' : 'False',
    reason: verdict.reason,
    message: verdict.message,
    observedGeneration: generation,
  };
}

function stalledCondition({ verdict, generation }: ConditionFacts): Draft {
  if (verdict.action === 'Blocked') {
    return { type: ConditionType.Stalled, status: 'True', reason: verdict.reason, message: verdict.message, observedGeneration: generation };
  }
  return { type: ConditionType.Stalled, status: 'False', reason: Reason.NotStalled, message: 'no error blocks progress', observedGeneration: generation };
}

function withTransitionTime(draft: Draft, previous: readonly Condition[] | undefined, nowMs: number): Condition {
  const before = findCondition(previous, draft.type);
  const lastTransitionTime = before !== undefined && before.status === draft.status ? before.lastTransitionTime : toTimestamp(nowMs);
  return { ...draft, lastTransitionTime };
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return (conditions ?? []).find((condition) => condition.type === type);
}

/** The one wording of a surplus, in the condition, lastDecision and the SurplusNodes Event alike. */
export function surplusMessage(replicas: number, desired: number): string {
  const surplus = replicas - desired;
  return `${plural(replicas, 'node')} match, ${desired} desired: ${plural(surplus, 'surplus node')} ${surplus === 1 ? 'is' : 'are'} reported, never removed`;
}

/** Conditions re-derived for a status changed after the plan (by a cloud call's outcome). */
export function refreshConditions(capacity: SandboxCapacity, status: SandboxCapacityStatus, verdict: Verdict, nowMs: number): SandboxCapacityStatus {
  const facts = {
    desired: capacity.spec.replicas,
    replicas: status.replicas ?? 0,
    readyReplicas: status.readyReplicas ?? 0,
    verdict,
    generation: capacity.metadata.generation ?? 0,
  };
  return { ...status, conditions: buildConditions(status.conditions, facts, nowMs) };
}

// ---- Events the conditions imply -------------------------------------------------------------

/** A Stalled Event when the Stalled condition became True or now stalls for another reason or message. */
export function stalledEvents(previous: readonly Condition[] | undefined, next: readonly Condition[] | undefined): PlannedEvent[] {
  const after = findCondition(next, ConditionType.Stalled);
  if (after?.status !== 'True') return [];
  const before = findCondition(previous, ConditionType.Stalled);
  const unchanged = before?.status === 'True' && before.reason === after.reason && before.message === after.message;
  return unchanged ? [] : [{ type: 'Warning', reason: EventReason.Stalled, message: `${after.reason}: ${after.message}` }];
}

export interface PlanEventFacts {
  generation: number;
  desired: number;
  verdict: Verdict;
  goneNodes?: readonly { name: string; instanceId?: string }[];
}

export function planEvents(previous: SandboxCapacityStatus, next: SandboxCapacityStatus, facts: PlanEventFacts): PlannedEvent[] {
  return [
    ...stalledEvents(previous.conditions, next.conditions),
    ...surplusEvents(previous, next, facts),
    ...dryRunEvents(previous, facts.verdict),
    ...overlapEvents(previous, next),
    ...goneEvents(next, facts),
  ];
}

function goneEvents(next: SandboxCapacityStatus, { goneNodes, verdict, desired }: PlanEventFacts): PlannedEvent[] {
  if (goneNodes === undefined || goneNodes.length === 0) return [];
  const names = goneNodes.map((n) => (n.instanceId === undefined ? n.name : `${n.name} (instance ${n.instanceId})`)).join(', ');
  const what = goneNodes.length === 1 ? 'Node' : 'Nodes';
  const then = verdict.action === 'ScaleOut'
    ? `requesting ${plural(verdict.count ?? 0, 'replacement node')}`
    : `no replacement requested now: ${verdict.reason}`;
  return [{ type: 'Warning', reason: EventReason.NodeDisappeared, message: `${what} ${names} disappeared; ${next.replicas ?? 0} of ${plural(desired, 'node')} left, ${then}` }];
}

function overlapEvents(previous: SandboxCapacityStatus, next: SandboxCapacityStatus): PlannedEvent[] {
  const now = next.overlapping ?? [];
  if (now.length === 0 || now.join(',') === (previous.overlapping ?? []).join(',')) return [];
  const message = `nodeSelector may select the same Nodes as ${now.join(', ')} (same cluster): the resource created first counts them, the others request nothing until the selectors are disjoint`;
  return [{ type: 'Warning', reason: EventReason.OverlappingSelector, message }];
}

function surplusEvents(previous: SandboxCapacityStatus, next: SandboxCapacityStatus, { generation, desired }: PlanEventFacts): PlannedEvent[] {
  const replicas = next.replicas ?? 0;
  const surplus = replicas - desired;
  if (surplus <= 0) return [];
  const previousSurplus = previous.observedGeneration === generation ? (previous.replicas ?? 0) - desired : undefined;
  if (previousSurplus === surplus) return [];
  return [{ type: 'Warning', reason: EventReason.SurplusNodes, message: surplusMessage(replicas, desired) }];
}

function dryRunEvents(previous: SandboxCapacityStatus, verdict: Verdict): PlannedEvent[] {
  if (verdict.reason !== Reason.DryRun || (verdict.count ?? 0) <= 0) return [];
  const before = previous.lastDecision;
  if (before?.reason === Reason.DryRun && before.count === verdict.count) return [];
  return [{ type: 'Normal', reason: EventReason.DryRun, message: verdict.message }];
}
