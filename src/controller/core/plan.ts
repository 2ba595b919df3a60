// The planner: one pure function from (resource with its previous status, observed Nodes, the cloud's
// answers already folded in, the operator's cluster and the other resources' selectors, now) to a
// Decision — the complete next status, the Events of the transitions it saw, at most one request to
// make, and when to look again. It runs once per reconcile.
//   1. observe: settings, live counts, the backend's ledger (what is in flight, unresolved, unjoined,
//      held), minus the unjoined places written off under limits.maxUnjoinedNodes;
//   2. decide: the ordered rules of verdict.ts over those facts;
//   3. size: a ScaleOut verdict's request — placed by the backend, capped by maxNodesPerScaleOut and
//      the in-flight headroom, and only whole (room for less than a whole request waits for joins);
//   4. scale-in: when the verdict is the surplus one (rule 7), scale-in's plan replaces it
//      (core/scale-in.ts); otherwise removals still draining are given up;
//   5. write: the ledger records the intent, conditions and Events follow from the verdict.
// It is backend-neutral: everything about how requests are recorded and followed is the Ledger's.
import { RETRY_ANNOTATION, scaleInSpecOf, type SandboxCapacity, type SandboxCapacityStatus } from '../../api/sandbox-capacity.js';
import { buildConditions, findCondition, planEvents } from './conditions.js';
import { accountUnjoined, countNodes, type NodeCounts, type UnjoinedAccount } from './counting.js';
import { CREDENTIALS_RECHECK_MS, activeCloudStall, backoffMessage, credentialsChanged, isBackingOff, isStallLiftedBySpecChange, retryRequested, stalledOnCredentials } from './failures.js';
import { countedSelector, selectorToString } from './nodes.js';
import { clusterProblem, overlapProblem } from './ownership.js';
import { ConditionType, Reason } from './reasons.js';
import { nodePoolLedger } from './node-pool.js';
import { scaleOutClusterLedger } from './scale-out-cluster.js';
import { nextRequeueMs } from './schedule.js';
import { planScaleIn, scaleInSettings, type ScaleInPlan, type ScaleInSettings } from './scale-in.js';
import { settingsOf, type Settings } from './settings.js';
import { isUnfinished, lastFailureMessage, taskLabel } from './tasks.js';
import { toEpochMs, toTimestamp } from './time.js';
import type { Decision, Ledger, PlanInput, PlannedEvent, RequestShape, Verdict } from './types.js';
import { decide, shortfallOf, type DecisionFacts } from './verdict.js';

interface Observation {
  nowMs: number;
  generation: number;
  settings: Settings;
  scaleIn: ScaleInSettings;
  problem?: string;
  counts: NodeCounts;
  ledger: Ledger;
  unjoined: UnjoinedAccount;
  /** Nodes in flight as the rules count them: the ledger's, less the unjoined places written off. */
  inFlight: number;
  /** Previous status with an expired or lifted nextRetryTime cleared. */
  backoffStatus: SandboxCapacityStatus;
}

export function plan(input: PlanInput): Decision {
  const observed = observe(input);
  const facts = gatherFacts(input, observed);
  const { verdict, scaleIn } = decideWithScaleIn(input, observed, facts);
  const request = requestShapeOf(verdict);
  const committed = observed.ledger.commit(observed.backoffStatus, request, input.random);
  const status = buildStatus(input, observed, { base: committed.status, verdict, inFlight: observed.inFlight + (request?.count ?? 0) });
  if (scaleIn.status === undefined) delete status.scaleIn;
  else status.scaleIn = scaleIn.status;
  const decision: Decision = { status, events: [...scaleIn.events, ...eventsOf(input, observed, { status, verdict })] };
  if (committed.request !== undefined) decision.request = committed.request;
  if (committed.poolWrite !== undefined) decision.poolWrite = committed.poolWrite;
  const { drain, uncordon, remove } = scaleIn.actions;
  if (drain.length + uncordon.length + remove.length > 0) decision.scaleIn = scaleIn.actions;
  const requeue = nextRequeueMs({
    wakeUpsMs: [...committed.wakeUpsMs, ...scaleIn.wakeUpsMs, ...credentialsRecheckOf(input, status)],
    status,
    nowMs: observed.nowMs,
    blocked: input.blocked !== undefined,
    ...(request === undefined ? {} : { scaleOutRemaining: shortfallOf(facts) - request.count }),
  });
  if (requeue !== undefined) decision.requeueAfterMs = requeue;
  return decision;
}

/**
 * The rules' verdict, then scale-in's plan: it may act only when the verdict is the surplus one
 * (nothing before rule 7 concluded, nothing in flight) and the resource is not paused; its verdict
 * then replaces SurplusNodes. Otherwise its drains are given up, and removals ACK was asked for go on.
 */
function decideWithScaleIn(input: PlanInput, observed: Observation, facts: DecisionFacts): { verdict: Verdict; scaleIn: ScaleInPlan } {
  const base = decide(facts);
  const { spec } = input.capacity;
  const hold = base.reason !== Reason.SurplusNodes ? `the controller is not at a surplus now (${base.reason})` : spec.paused ? 'spec.paused is true' : undefined;
  const scaleIn = planScaleIn({
    settings: observed.scaleIn,
    previous: input.capacity.status?.scaleIn,
    desired: spec.replicas,
    replicas: observed.counts.replicas,
    nodes: input.nodes,
    dryRun: input.dryRun === true,
    nowMs: observed.nowMs,
    ...(hold === undefined ? {} : { hold }),
    ...(input.pods === undefined ? {} : { snapshot: input.pods }),
    ...(input.capacity.status?.lastDecision === undefined ? {} : { previousDecision: input.capacity.status.lastDecision }),
  });
  if (scaleIn.verdict === undefined) return { verdict: base, scaleIn };
  return { verdict: decide({ ...facts, scaleIn: scaleIn.verdict }), scaleIn };
}

function requestShapeOf(verdict: Verdict): RequestShape | undefined {
  return verdict.action === 'ScaleOut' ? { count: verdict.count ?? 0, targets: verdict.targets ?? [] } : undefined;
}

/** The ledger's own Events first (task outcomes), then what changed between the old status and the new. */
function eventsOf(input: PlanInput, observed: Observation, next: { status: SandboxCapacityStatus; verdict: Verdict }): PlannedEvent[] {
  const previous = input.capacity.status ?? {};
  const context = { generation: observed.generation, desired: input.capacity.spec.replicas, verdict: next.verdict, ...(input.goneNodes === undefined ? {} : { goneNodes: input.goneNodes }) };
  return [...observed.ledger.events, ...planEvents(previous, next.status, context)];
}

/** A Secret can be fixed without touching the resource; a credentials stall looks again at this interval. */
function credentialsRecheckOf(input: PlanInput, status: SandboxCapacityStatus): number[] {
  return stalledOnCredentials(status) && input.capacity.spec.credentials?.secretRef !== undefined ? [CREDENTIALS_RECHECK_MS] : [];
}

function observe(input: PlanInput): Observation {
  const nowMs = toEpochMs(input.now);
  const { capacity } = input;
  const generation = capacity.metadata.generation ?? 0;
  const { settings, problem: limitsProblem } = settingsOf(capacity.spec);
  const scaleIn = scaleInSettings(scaleInSpecOf(capacity.spec));
  const problems = [limitsProblem, scaleIn.problem].filter((p) => p !== undefined);
  const problem = problems.length === 0 ? undefined : problems.join('; ');
  const ledger = ledgerFor(input, settings, nowMs);
  const unjoined = accountUnjoined(ledger.unjoined, capacity.status?.unjoined, settings.maxUnjoinedNodes);
  const observation: Observation = {
    nowMs,
    generation,
    settings,
    scaleIn: scaleIn.settings,
    counts: countNodes(input.nodes),
    ledger,
    unjoined,
    inFlight: Math.max(0, ledger.inFlight - unjoined.writtenOff),
    backoffStatus: normalizeBackoff(input, generation, nowMs),
  };
  if (problem !== undefined) observation.problem = problem;
  return observation;
}

/** The backend's ledger, chosen by the spec: spec.nodePool → the node pool's, else ScaleOutCluster's. */
function ledgerFor(input: PlanInput, settings: Settings, nowMs: number): Ledger {
  if (input.capacity.spec.nodePool !== undefined) return nodePoolLedger({ capacity: input.capacity, nodes: input.nodes, settings, nowMs });
  return scaleOutClusterLedger({ capacity: input.capacity, nodes: input.nodes, settings, nowMs, oneTaskAtATime: input.oneTaskAtATime === true });
}

/**
 * Past nextRetryTime is cleared; so is a stall's or a backoff's when the spec changed since, a retry was
 * asked for by annotation, or a credentials stall's Secret changed (retry at once). The status keeps
 * what was acted on: the annotation value, the Secret's version.
 */
function normalizeBackoff(input: PlanInput, generation: number, nowMs: number): SandboxCapacityStatus {
  const { capacity } = input;
  const previous = capacity.status ?? {};
  const lifted = isStallLiftedBySpecChange(previous, generation) || retryRequested(capacity) || credentialsChanged(previous, input.credentialsVersion);
  const expired = !isBackingOff(previous, nowMs) || lifted;
  const retry = capacity.metadata.annotations?.[RETRY_ANNOTATION];
  return {
    ...previous,
    ...(expired ? { nextRetryTime: null } : {}),
    ...(retry === undefined ? {} : { lastRetryRequest: retry }),
    ...(input.credentialsVersion === undefined ? {} : { credentialsVersion: input.credentialsVersion }),
  };
}

function gatherFacts(input: PlanInput, observed: Observation): DecisionFacts {
  const { spec } = input.capacity;
  const { ledger } = observed;
  const base = { desired: spec.replicas, replicas: observed.counts.replicas, inFlight: observed.inFlight };
  const facts: DecisionFacts = {
    ...base,
    readyReplicas: observed.counts.readyReplicas,
    maxInFlight: observed.settings.maxInFlightNodes,
    inFlightLabels: ledger.inFlightLabels,
    paused: spec.paused,
    dryRun: input.dryRun === true,
  };
  if (ledger.unresolved !== undefined) facts.unresolved = ledger.unresolved;
  if (ledger.stalled !== undefined) facts.backendStall = ledger.stalled;
  if (input.blocked !== undefined) facts.blocked = input.blocked;
  if (observed.problem !== undefined) facts.invalidSpec = observed.problem;
  addGuards(facts, input, observed);
  const stall = activeCloudStall(observed.backoffStatus, observed.generation, observed.nowMs);
  if (stall !== undefined) facts.cloudStall = stall;
  const backoff = stall === undefined ? (backoffFact(input.capacity, observed) ?? ledger.hold) : undefined;
  if (backoff !== undefined) facts.backoff = backoff;
  const request = shortfallOf(base) > 0 ? sizeRequest(observed, shortfallOf(base)) : undefined;
  if (request !== undefined) facts.request = request;
  return facts;
}

/** The facts behind rules 3–6 and 12 of verdict.ts: where a purchase could be wasted. */
function addGuards(facts: DecisionFacts, input: PlanInput, { ledger, unjoined }: Observation): void {
  const { capacity } = input;
  const cluster = clusterProblem(capacity, input.cluster);
  if (cluster !== undefined) facts.cluster = cluster;
  const overlap = overlapProblem(capacity, input.overlaps);
  if (overlap !== undefined) facts.overlap = overlap;
  if (capacity.metadata.deletionTimestamp !== undefined) {
    facts.deleting = { holding: (capacity.status?.tasks ?? []).filter((record) => isUnfinished(record.state)).map(taskLabel) };
  }
  if (unjoined.held !== undefined) facts.unjoined = unjoined.held;
  if (ledger.outOfStock !== undefined) facts.outOfStock = { message: ledger.outOfStock.message };
}

function backoffFact(capacity: SandboxCapacity, { backoffStatus, nowMs }: Observation): DecisionFacts['backoff'] {
  const next = backoffStatus.nextRetryTime;
  if (next === undefined || next === null || !isBackingOff(backoffStatus, nowMs)) return undefined;
  const busy = findCondition(backoffStatus.conditions, ConditionType.Reconciling)?.reason === Reason.ClusterBusy;
  const reason = busy ? Reason.ClusterBusy : Reason.BackingOff;
  return { reason, message: backoffMessage(reason, next, backoffStatus.consecutiveFailures ?? 0, lastFailureMessage(capacity.status?.tasks ?? [])) };
}

/** The request that would be made now: placed by the backend, count capped by both limits, whole or nothing. */
function sizeRequest({ ledger, settings, inFlight }: Observation, shortfall: number): RequestShape | undefined {
  const placement = ledger.place(shortfall);
  if (placement === undefined) return undefined;
  const { maxInFlightNodes, maxNodesPerScaleOut } = settings;
  const headroom = Math.max(0, maxInFlightNodes - inFlight);
  const wanted = Math.min(placement.allocation, maxNodesPerScaleOut, maxInFlightNodes);
  // Only whole requests: while nodes join one by one, each freed slot would otherwise become a
  // request of its own (20 joins → 20 one-node ScaleOutCluster calls, each an ACK task).
  return { count: headroom >= wanted ? wanted : 0, targets: placement.targets };
}

interface StatusParts {
  /** The previous status with the backoff normalized and the ledger committed. */
  base: SandboxCapacityStatus;
  verdict: Verdict;
  inFlight: number;
}

function buildStatus(input: PlanInput, observed: Observation, { base, verdict, inFlight }: StatusParts): SandboxCapacityStatus {
  const { capacity } = input;
  const { counts, generation, nowMs } = observed;
  const lastDecision = { action: verdict.action, reason: verdict.reason, message: verdict.message, ...(verdict.count === undefined ? {} : { count: verdict.count }) };
  const facts = { desired: capacity.spec.replicas, replicas: counts.replicas, readyReplicas: counts.readyReplicas, verdict, generation };
  const status: SandboxCapacityStatus = {
    ...base,
    observedGeneration: generation,
    replicas: counts.replicas,
    readyReplicas: counts.readyReplicas,
    inFlightReplicas: inFlight,
    selector: selectorToString(countedSelector(capacity.spec)),
    consecutiveFailures: base.consecutiveFailures ?? 0,
    nextRetryTime: base.nextRetryTime ?? null,
    lastDecision,
    conditions: buildConditions(capacity.status?.conditions, facts, nowMs),
  };
  if (verdict.action === 'ScaleOut') status.lastScaleOutTime = toTimestamp(nowMs);
  const overlapping = [...(input.overlaps?.older ?? []), ...(input.overlaps?.newer ?? [])];
  if (overlapping.length > 0) status.overlapping = overlapping;
  else delete status.overlapping;
  if (observed.unjoined.entries.length > 0) status.unjoined = observed.unjoined.entries;
  else delete status.unjoined;
  return status;
}
