// Re-deriving conditions for a status changed after the plan (by a cloud call's outcome), and the Events
// that condition transitions imply.
import type { Condition, SandboxCapacity, SandboxCapacityStatus } from '../../api/sandbox-capacity.js';
import { buildConditions, findCondition } from './conditions.js';
import { ConditionType, EventReason } from './reasons.js';
import type { PlannedEvent, Verdict } from './types.js';

export function refreshConditions(
  capacity: SandboxCapacity,
  status: SandboxCapacityStatus,
  verdict: Verdict,
  nowMs: number,
): SandboxCapacityStatus {
  const facts = {
    desired: capacity.spec.replicas,
    replicas: status.replicas ?? 0,
    readyReplicas: status.readyReplicas ?? 0,
    verdict,
    generation: capacity.metadata.generation ?? 0,
  };
  return { ...status, conditions: buildConditions(status.conditions, facts, nowMs) };
}

/** A Stalled Event when the Stalled condition became True or now stalls for another reason or message. */
export function stalledEvents(previous: readonly Condition[] | undefined, next: readonly Condition[] | undefined): PlannedEvent[] {
  const after = findCondition(next, ConditionType.Stalled);
  if (after?.status !== 'True') return [];
  const before = findCondition(previous, ConditionType.Stalled);
  const unchanged = before?.status === 'True' && before.reason === after.reason && before.message === after.message;
  return unchanged ? [] : [{ type: 'Warning', reason: EventReason.Stalled, message: `${after.reason}: ${after.message}` }];
}
