// kstatus conditions (Ready, Reconciling, Stalled) derived from the counts and the verdict.
//   Stalled      True iff the verdict is Blocked (reason and message say why).
//   Reconciling  True while the controller is working toward the spec (ScaleOut or Wait verdicts);
//                False when up to date, paused, in dry-run or stalled.
//   Ready        True iff readyReplicas ≥ spec.replicas (reason SurplusNodes when more nodes match than
//                desired); otherwise False with the verdict's reason and message.
// lastTransitionTime changes only when a condition's status changes.
import type { Condition } from '../../api/sandbox-capacity.js';
import { ConditionType, Reason } from './reasons.js';
import { toTimestamp } from './time.js';
import type { Verdict } from './types.js';

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
    const message =
      surplus > 0
        ? `${readyReplicas} of ${desired} desired nodes ready; ${surplus} surplus (${replicas} matching nodes) are reported, never removed`
        : `${readyReplicas} of ${desired} nodes ready`;
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
