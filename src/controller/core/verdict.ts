// The decision rules, in precedence order. Each rule either concludes (returns a Verdict) or passes.
//   1. blocked precondition (reported by the shell)      → Blocked (Stalled)
//   2. invalid spec (durations, no vSwitch)              → Blocked (Stalled, InvalidSpec)
//   3. no positive shortfall                             → NoOp / Wait (unknown outcome, joins, readiness)
//   4. paused                                            → NoOp, reason Paused, count = would-be request
//   5. dry run                                           → NoOp, reason DryRun, count = would-be request
//   6. cloud stall in force                              → Blocked (Stalled)
//   7. a request whose outcome is unknown                → Wait, OutcomeUnknown (never request blindly)
//   8. backing off (now < nextRetryTime), or the backend
//      holds (ACK busy with our own task)                → Wait, BackingOff / ClusterBusy
//   9. in-flight cap reached                             → Wait, InFlightLimit
//  10. otherwise                                         → ScaleOut
import type { Blocked, RequestShape, Verdict } from './types.js';
import { surplusMessage } from './conditions.js';
import type { CloudStall } from './failures.js';
import { Reason } from './reasons.js';
import { outcomeUnknownMessage } from './recovery.js';

export interface DecisionFacts {
  desired: number;
  replicas: number;
  readyReplicas: number;
  inFlight: number;
  maxInFlight: number;
  /** Labels of records that count in flight, for messages. */
  inFlightLabels: string[];
  blocked?: Blocked;
  invalidSpec?: string;
  paused: boolean;
  dryRun: boolean;
  cloudStall?: CloudStall;
  /** Requests whose outcome is unknown (ScaleOutCluster: intents still Requesting). */
  unresolved: string[];
  /** Set while now < nextRetryTime, or while the backend holds. */
  backoff?: { reason: typeof Reason.BackingOff | typeof Reason.ClusterBusy; message: string };
  /** The request that would be made now (count already capped; 0 when the in-flight cap is reached). */
  request?: RequestShape;
}

type Rule = (facts: DecisionFacts) => Verdict | undefined;

export function shortfallOf(facts: Pick<DecisionFacts, 'desired' | 'replicas' | 'inFlight'>): number {
  return facts.desired - facts.replicas - facts.inFlight;
}

const RULES: readonly Rule[] = [
  (f) => (f.blocked === undefined ? undefined : { action: 'Blocked', reason: f.blocked.reason, message: f.blocked.message }),
  (f) => (f.invalidSpec === undefined ? undefined : { action: 'Blocked', reason: Reason.InvalidSpec, message: f.invalidSpec }),
  satisfiedRule,
  (f) => (f.paused ? wouldRequest(f, Reason.Paused, 'paused') : undefined),
  (f) => (f.dryRun ? wouldRequest(f, Reason.DryRun, 'dry run') : undefined),
  (f) => (f.cloudStall === undefined ? undefined : { action: 'Blocked', reason: f.cloudStall.reason, message: f.cloudStall.message }),
  requestingRule,
  (f) => (f.backoff === undefined ? undefined : { action: 'Wait', reason: f.backoff.reason, message: f.backoff.message }),
  inFlightLimitRule,
];

export function decide(facts: DecisionFacts): Verdict {
  for (const rule of RULES) {
    const verdict = rule(facts);
    if (verdict !== undefined) return verdict;
  }
  const request = facts.request ?? { count: 0, targets: [] };
  return {
    action: 'ScaleOut',
    reason: Reason.ScalingOut,
    message: `requesting ${request.count} nodes in ${request.targets.join(',')} (${describeCounts(facts)}, shortfall ${shortfallOf(facts)})`,
    count: request.count,
    targets: request.targets,
  };
}

function describeCounts(f: DecisionFacts): string {
  return `${f.replicas} of ${f.desired} nodes present, ${f.inFlight} in flight`;
}

function satisfiedRule(f: DecisionFacts): Verdict | undefined {
  if (shortfallOf(f) > 0) return undefined;
  const surplus = f.replicas - f.desired;
  const pending = requestingRule(f);
  if (pending !== undefined) return pending;
  if (f.inFlight > 0) {
    const tasks = f.inFlightLabels.length > 0 ? ` (${f.inFlightLabels.join(', ')})` : '';
    return { action: 'Wait', reason: Reason.WaitingForNodes, message: `${describeCounts(f)}: waiting for ${f.inFlight} requested nodes to join${tasks}` };
  }
  if (f.readyReplicas < Math.min(f.desired, f.replicas)) {
    return { action: 'Wait', reason: Reason.WaitingForNodesReady, message: `${f.readyReplicas} of ${f.desired} nodes ready, waiting for the others to become Ready` };
  }
  if (surplus > 0) {
    return { action: 'NoOp', reason: Reason.SurplusNodes, message: surplusMessage(f.replicas, f.desired) };
  }
  return { action: 'NoOp', reason: Reason.NodesReady, message: `${f.readyReplicas} of ${f.desired} nodes ready` };
}

function wouldRequest(f: DecisionFacts, reason: string, mode: string): Verdict {
  const request = f.request;
  const shortfall = shortfallOf(f);
  if (request === undefined || request.count <= 0) {
    return { action: 'NoOp', reason, message: `${mode}: shortfall of ${shortfall} nodes, nothing would be requested now (${f.inFlight} of at most ${f.maxInFlight} nodes in flight)`, count: 0 };
  }
  return {
    action: 'NoOp',
    reason,
    message: `${mode}: would request ${request.count} nodes in ${request.targets.join(',')} (${describeCounts(f)}, shortfall ${shortfall})`,
    count: request.count,
    targets: request.targets,
  };
}

function requestingRule(f: DecisionFacts): Verdict | undefined {
  if (f.unresolved.length === 0) return undefined;
  return {
    action: 'Wait',
    reason: Reason.OutcomeUnknown,
    message: outcomeUnknownMessage(f.unresolved),
  };
}

function inFlightLimitRule(f: DecisionFacts): Verdict | undefined {
  if (f.request !== undefined && f.request.count > 0) return undefined;
  return {
    action: 'Wait',
    reason: Reason.InFlightLimit,
    message: `${f.inFlight} nodes in flight, limit ${f.maxInFlight}: the remaining shortfall of ${shortfallOf(f)} is requested in whole requests as those join or their tasks end`,
  };
}
