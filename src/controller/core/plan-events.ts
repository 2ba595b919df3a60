// Events the planner emits, only on transitions, so a repeated plan emits nothing new:
//   Stalled     when the Stalled condition becomes True or changes reason/message;
//   SurplusNodes when a surplus appears or its size changes (compared with the previous status of the same
//               generation; a spec change reports it again once);
//   DryRun      when the dry-run would-be request changes (reason or count).
// TaskTimedOut comes from tasks.ts; the cloud-outcome Events from the outcome folders.
import type { SandboxCapacityStatus } from '../../api/sandbox-capacity.js';
import { EventReason, Reason } from './reasons.js';
import { stalledEvents } from './status-refresh.js';
import type { PlannedEvent, Verdict } from './types.js';

export interface PlanEventFacts {
  generation: number;
  desired: number;
  verdict: Verdict;
}

export function planEvents(previous: SandboxCapacityStatus, next: SandboxCapacityStatus, facts: PlanEventFacts): PlannedEvent[] {
  return [...stalledEvents(previous.conditions, next.conditions), ...surplusEvents(previous, next, facts), ...dryRunEvents(previous, facts.verdict)];
}

function surplusEvents(previous: SandboxCapacityStatus, next: SandboxCapacityStatus, { generation, desired }: PlanEventFacts): PlannedEvent[] {
  const surplus = (next.replicas ?? 0) - desired;
  if (surplus <= 0) return [];
  const previousSurplus = previous.observedGeneration === generation ? (previous.replicas ?? 0) - desired : undefined;
  if (previousSurplus === surplus) return [];
  return [
    {
      type: 'Warning',
      reason: EventReason.SurplusNodes,
      message: `${next.replicas ?? 0} nodes match, ${desired} desired: ${surplus} surplus nodes are reported, never removed`,
    },
  ];
}

function dryRunEvents(previous: SandboxCapacityStatus, verdict: Verdict): PlannedEvent[] {
  if (verdict.reason !== Reason.DryRun || (verdict.count ?? 0) <= 0) return [];
  const before = previous.lastDecision;
  if (before?.reason === Reason.DryRun && before.count === verdict.count) return [];
  return [{ type: 'Normal', reason: EventReason.DryRun, message: verdict.message }];
}
