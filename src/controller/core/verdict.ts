// The decision rules, in precedence order. Each rule either concludes (returns a Verdict) or passes.
//   1. blocked precondition (reported by the shell)      → Blocked (Stalled)
//   2. invalid spec (durations, no vSwitch)              → Blocked (Stalled, InvalidSpec)
//   3. not this operator's cluster, or cannot tell       → Blocked (ClusterMismatch / ClusterUnknown)
//   4. an older resource may select the same Nodes       → Blocked (OverlappingSelector)
//   5. being deleted                                     → Wait for requests in flight / NoOp, reason Deleting
//   6. unjoined instances hold places still needed       → Blocked (NodeSelectorMismatch / NodesNotRegistered)
//   6b. the backend cannot go on (node pool gone or not
//      eligible, scale-up stalled)                       → Blocked (NodePoolNotFound / NodePoolNotEligible / ScaleUpStalled)
//   7. no positive shortfall                             → NoOp / Wait (unknown outcome, joins, readiness);
//      a surplus: scale-in's verdict when enabled           → NoOp SurplusNodes (cooling down) / Wait ScalingIn /
//                                                             NoOp ScaleInBlocked, else NoOp SurplusNodes
//   8. paused                                            → NoOp, reason Paused, count = would-be request
//   9. dry run                                           → NoOp, reason DryRun, count = would-be request
//  10. cloud stall in force                              → Blocked (Stalled)
//  11. a request whose outcome is unknown                → Wait, OutcomeUnknown (never request blindly)
//  12. every listed vSwitch out of stock                 → Wait, OutOfStock (naming the zones)
//  13. backing off (now < nextRetryTime), or the backend
//      holds (ACK busy with our own task, node pool not
//      active, someone else's size observed)             → Wait, BackingOff / ClusterBusy / NodePoolBusy / NodePoolDriftDetected
//  14. in-flight cap reached                             → Wait, InFlightLimit
//  15. otherwise                                         → ScaleOut
// Rules 3–6 are where the operator cannot tell whether a purchase would be wasted: it stops buying and
// says why, rather than guess.
import type { Blocked, HoldReason, RequestShape, Verdict } from './types.js';
import { surplusMessage } from './conditions.js';
import type { CloudStall } from './failures.js';
import { Reason, plural } from './reasons.js';

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
  /** Requests whose outcome is unknown, and what is being done about it. */
  unresolved?: { ids: string[]; message: string };
  /** This operator's cluster is not spec.clusterId, or cannot be told. */
  cluster?: { reason: typeof Reason.ClusterMismatch | typeof Reason.ClusterUnknown; message: string };
  /** Older resources that may select the same Nodes. */
  overlap?: { message: string };
  /** Set while metadata.deletionTimestamp is: the requests that still hold the deletion (unfinished). */
  deleting?: { holding: string[] };
  /** Unjoined instances that keep their places (not written off), with the diagnosis. */
  unjoined?: { reason: typeof Reason.NodeSelectorMismatch | typeof Reason.NodesNotRegistered; message: string };
  /** Every listed vSwitch is out of stock. */
  outOfStock?: { message: string };
  /** Set while now < nextRetryTime, or while the backend holds. */
  backoff?: { reason: typeof Reason.BackingOff | HoldReason; message: string };
  /** The backend cannot go on until something changes (Ledger.stalled). */
  backendStall?: { reason: string; message: string };
  /** The request that would be made now (count already capped; 0 when the in-flight cap is reached). */
  request?: RequestShape;
  /** Scale-in's verdict on the surplus (core/scale-in.ts), when it is enabled and nothing before rule 7 concluded. */
  scaleIn?: Verdict;
}

type Rule = (facts: DecisionFacts) => Verdict | undefined;

export function shortfallOf(facts: Pick<DecisionFacts, 'desired' | 'replicas' | 'inFlight'>): number {
  return facts.desired - facts.replicas - facts.inFlight;
}

const RULES: readonly Rule[] = [
  (f) => (f.blocked === undefined ? undefined : { action: 'Blocked', reason: f.blocked.reason, message: f.blocked.message }),
  (f) => (f.invalidSpec === undefined ? undefined : { action: 'Blocked', reason: Reason.InvalidSpec, message: f.invalidSpec }),
  (f) => (f.cluster === undefined ? undefined : { action: 'Blocked', reason: f.cluster.reason, message: f.cluster.message }),
  (f) => (f.overlap === undefined ? undefined : { action: 'Blocked', reason: Reason.OverlappingSelector, message: f.overlap.message }),
  deletingRule,
  (f) => (f.unjoined === undefined || f.replicas >= f.desired ? undefined : { action: 'Blocked', reason: f.unjoined.reason, message: f.unjoined.message }),
  (f) => (f.backendStall === undefined ? undefined : { action: 'Blocked', reason: f.backendStall.reason, message: f.backendStall.message }),
  satisfiedRule,
  (f) => (f.paused ? wouldRequest(f, Reason.Paused, 'paused') : undefined),
  (f) => (f.dryRun ? wouldRequest(f, Reason.DryRun, 'dry run') : undefined),
  (f) => (f.cloudStall === undefined ? undefined : { action: 'Blocked', reason: f.cloudStall.reason, message: f.cloudStall.message }),
  requestingRule,
  (f) => (f.outOfStock === undefined ? undefined : { action: 'Wait', reason: Reason.OutOfStock, message: f.outOfStock.message }),
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
    message: `requesting ${plural(request.count, 'node')} in ${request.targets.join(',')} (${describeCounts(facts)}, shortfall ${shortfallOf(facts)})`,
    count: request.count,
    targets: request.targets,
  };
}

function describeCounts(f: DecisionFacts): string {
  return `${f.replicas} of ${plural(f.desired, 'node')} present, ${f.inFlight} in flight`;
}

function satisfiedRule(f: DecisionFacts): Verdict | undefined {
  if (shortfallOf(f) > 0) return undefined;
  const surplus = f.replicas - f.desired;
  const pending = requestingRule(f);
  if (pending !== undefined) return pending;
  if (f.inFlight > 0) {
    const tasks = f.inFlightLabels.length > 0 ? ` (${f.inFlightLabels.join(', ')})` : '';
    return { action: 'Wait', reason: Reason.WaitingForNodes, message: `${describeCounts(f)}: waiting for ${plural(f.inFlight, 'requested node')} to join${tasks}` };
  }
  if (f.readyReplicas < Math.min(f.desired, f.replicas)) {
    return { action: 'Wait', reason: Reason.WaitingForNodesReady, message: `${f.readyReplicas} of ${plural(f.desired, 'node')} ready, waiting for the others to become Ready` };
  }
  if (surplus > 0) {
    return f.scaleIn ?? { action: 'NoOp', reason: Reason.SurplusNodes, message: surplusMessage(f.replicas, f.desired) };
  }
  return { action: 'NoOp', reason: Reason.NodesReady, message: `${f.readyReplicas} of ${plural(f.desired, 'node')} ready` };
}

function wouldRequest(f: DecisionFacts, reason: string, mode: string): Verdict {
  const request = f.request;
  const shortfall = shortfallOf(f);
  if (request === undefined || request.count <= 0) {
    return { action: 'NoOp', reason, message: `${mode}: shortfall of ${plural(shortfall, 'node')}, nothing would be requested now (${f.inFlight} of at most ${plural(f.maxInFlight, 'node')} in flight)`, count: 0 };
  }
  return {
    action: 'NoOp',
    reason,
    message: `${mode}: would request ${plural(request.count, 'node')} in ${request.targets.join(',')} (${describeCounts(f)}, shortfall ${shortfall})`,
    count: request.count,
    targets: request.targets,
  };
}

function requestingRule(f: DecisionFacts): Verdict | undefined {
  if (f.unresolved === undefined) return undefined;
  return { action: 'Wait', reason: Reason.OutcomeUnknown, message: f.unresolved.message };
}

/** Nothing new while deleting; the finalizer is released once nothing is in flight (the shell's part). */
function deletingRule(f: DecisionFacts): Verdict | undefined {
  if (f.deleting === undefined) return undefined;
  const { holding } = f.deleting;
  if (holding.length === 0) return { action: 'NoOp', reason: Reason.Deleting, message: 'being deleted: no request in flight, the finalizer is released' };
  return {
    action: 'Wait',
    reason: Reason.Deleting,
    message: `being deleted: nothing new is requested; the finalizer holds until ${holding.join(', ')} ended (annotate capacity.sandbox.dev/abandon-in-flight=true to let go now)`,
  };
}

function inFlightLimitRule(f: DecisionFacts): Verdict | undefined {
  if (f.request !== undefined && f.request.count > 0) return undefined;
  return {
    action: 'Wait',
    reason: Reason.InFlightLimit,
    message: `${plural(f.inFlight, 'node')} in flight, limit ${f.maxInFlight}: the remaining shortfall of ${shortfallOf(f)} is requested in whole requests as those join or their tasks end`,
  };
}
