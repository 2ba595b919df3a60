// The planner: a pure function from (resource, observed nodes, previous status, now) to a Decision.
// Rules are in verdict.ts, counting in counting.ts, zones in zones.ts, conditions in conditions.ts.
import type { SandboxCapacity, SandboxCapacityStatus, TaskRecord } from '../../api/sandbox-capacity.js';
import { isBackingOff } from './backoff.js';
import { buildConditions, findCondition } from './conditions.js';
import { countNodes, inFlightOf, joinedInstanceIds, rememberJoined, type NodeCounts } from './counting.js';
import { makeIntentId, newIntentRecord, toScaleOutRequest } from './intent.js';
import { backoffMessage, busyWithOwnTaskMessage, lastFailureMessage } from './messages.js';
import { planEvents } from './plan-events.js';
import { nextRequeueMs } from './requeue.js';
import { ConditionType, Reason } from './reasons.js';
import { selectorToString } from './selector.js';
import { readSettings, type Settings } from './settings.js';
import { activeCloudStall, isStallLiftedBySpecChange } from './stall.js';
import { isPollable, isUnfinished } from './task-states.js';
import { markTimedOut, pruneHistory, taskLabel } from './tasks.js';
import { toEpochMs, toTimestamp } from './time.js';
import type { Decision, PlanInput, PlannedEvent, Verdict } from './types.js';
import { decide, shortfallOf, type DecisionFacts, type RequestShape } from './verdict.js';
import { chooseTarget, learnVSwitchZones, vswitchLoads } from './zones.js';

/** Everything observed before deciding. */
interface Observation {
  nowMs: number;
  generation: number;
  settings: Settings;
  problem?: string;
  /** Task records after the timeout transition. */
  tasks: TaskRecord[];
  timeoutEvents: PlannedEvent[];
  counts: NodeCounts;
  inFlight: number;
  inFlightOf: (record: TaskRecord) => number;
  /** Previous status with an expired or lifted nextRetryTime cleared. */
  backoffStatus: SandboxCapacityStatus;
  vswitchZones: Record<string, string>;
}

export function plan(input: PlanInput): Decision {
  const observed = observe(input);
  const facts = gatherFacts(input, observed);
  const verdict = decide(facts);
  const { nowMs, generation, settings } = observed;
  const intent = verdict.action === 'ScaleOut' ? newIntentRecord(makeIntentId(nowMs, input.random), verdict.count ?? 0, verdict.vswitchIds ?? [], nowMs) : undefined;
  const withIntent = intent === undefined ? observed.tasks : [intent, ...observed.tasks];
  const tasks = pruneHistory(withIntent, (record) => isUnfinished(record.state) || observed.inFlightOf(record) > 0);
  const status = buildStatus(input.capacity, observed, { tasks, verdict, inFlight: observed.inFlight + (intent?.count ?? 0) });
  const previous = input.capacity.status ?? {};
  const decision: Decision = {
    status,
    events: [...observed.timeoutEvents, ...planEvents(previous, status, { generation, desired: input.capacity.spec.replicas, verdict })],
    pollTaskIds: tasks.filter(isPollable).map((record) => record.taskId ?? ''),
    recoverIntentIds: facts.requesting,
    vswitchZones: observed.vswitchZones,
  };
  if (intent !== undefined) decision.scaleOut = toScaleOutRequest(intent);
  const requeueFacts = { tasks, status, nowMs, joinGraceMs: settings.joinGraceMs, inFlightOf: observed.inFlightOf, blocked: input.blocked !== undefined };
  const requeue = nextRequeueMs(intent === undefined ? requeueFacts : { ...requeueFacts, scaleOutRemaining: shortfallOf(facts) - intent.count });
  if (requeue !== undefined) decision.requeueAfterMs = requeue;
  return decision;
}

function observe(input: PlanInput): Observation {
  const nowMs = toEpochMs(input.now);
  const { capacity } = input;
  const generation = capacity.metadata.generation ?? 0;
  const previous = capacity.status ?? {};
  const { settings, problem } = readSettings(capacity.spec);
  const timeouts = markTimedOut(previous.tasks ?? [], settings.taskTimeoutMs, nowMs);
  const joined = joinedInstanceIds(input.nodes);
  const tasks = timeouts.tasks.map((record) => rememberJoined(record, joined));
  const inFlightOfRecord = (record: TaskRecord): number => inFlightOf(record, joined, settings.joinGraceMs, nowMs);
  const observation: Observation = {
    nowMs,
    generation,
    settings,
    tasks,
    timeoutEvents: timeouts.events,
    counts: countNodes(input.nodes),
    inFlight: tasks.reduce((sum, record) => sum + inFlightOfRecord(record), 0),
    inFlightOf: inFlightOfRecord,
    backoffStatus: normalizeBackoff(previous, generation, nowMs),
    vswitchZones: learnVSwitchZones(tasks, input.nodes, capacity.spec.scaleOut.vswitchIds, { ...previous.vswitchZones, ...input.knownVSwitchZones }),
  };
  if (problem !== undefined) observation.problem = problem;
  return observation;
}

/** Past nextRetryTime is cleared; so is a cloud stall's when the spec changed since (retry at once). */
function normalizeBackoff(previous: SandboxCapacityStatus, generation: number, nowMs: number): SandboxCapacityStatus {
  const expired = !isBackingOff(previous, nowMs) || isStallLiftedBySpecChange(previous, generation);
  return expired ? { ...previous, nextRetryTime: null } : previous;
}

function gatherFacts(input: PlanInput, observed: Observation): DecisionFacts {
  const { spec } = input.capacity;
  const base = { desired: spec.replicas, replicas: observed.counts.replicas, inFlight: observed.inFlight };
  const facts: DecisionFacts = {
    ...base,
    readyReplicas: observed.counts.readyReplicas,
    maxInFlight: observed.settings.maxInFlightNodes,
    inFlightLabels: observed.tasks.filter((record) => observed.inFlightOf(record) > 0).map(taskLabel),
    paused: spec.paused,
    dryRun: input.dryRun === true,
    requesting: observed.tasks.filter((record) => record.state === 'Requesting').map((record) => record.intentId),
  };
  if (input.blocked !== undefined) facts.blocked = input.blocked;
  if (observed.problem !== undefined) facts.invalidSpec = observed.problem;
  const stall = activeCloudStall(observed.backoffStatus, observed.generation, observed.nowMs);
  if (stall !== undefined) facts.cloudStall = stall;
  const backoff = stall === undefined ? (backoffFact(observed) ?? busyWithOwnTaskFact(observed, input.oneTaskAtATime === true)) : undefined;
  if (backoff !== undefined) facts.backoff = backoff;
  const request = shortfallOf(base) > 0 ? sizeRequest(input, observed, shortfallOf(base)) : undefined;
  if (request !== undefined) facts.request = request;
  return facts;
}

function backoffFact({ backoffStatus, nowMs, tasks }: Observation): DecisionFacts['backoff'] {
  const next = backoffStatus.nextRetryTime;
  if (next === undefined || next === null || !isBackingOff(backoffStatus, nowMs)) return undefined;
  const busy = findCondition(backoffStatus.conditions, ConditionType.Reconciling)?.reason === Reason.ClusterBusy;
  const reason = busy ? Reason.ClusterBusy : Reason.BackingOff;
  return { reason, message: backoffMessage(reason, next, backoffStatus.consecutiveFailures ?? 0, lastFailureMessage(tasks)) };
}

/**
 * ACK refused the last request because the cluster was busy (or did so earlier: oneTaskAtATime) and
 * one of our own scale-outs is still running on it: the cluster stays busy until that task ends, so
 * a request now would only be refused again (one wasted call each time). Wait for the task instead.
 */
function busyWithOwnTaskFact({ backoffStatus, tasks }: Observation, oneTaskAtATime: boolean): DecisionFacts['backoff'] {
  if (!oneTaskAtATime && !refusedWhileOwnTaskRuns(backoffStatus)) return undefined;
  const running = runningTaskLabels(tasks);
  if (running.length === 0) return undefined;
  return { reason: Reason.ClusterBusy, message: busyWithOwnTaskMessage(running, lastFailureMessage(tasks)) };
}

function runningTaskLabels(tasks: readonly TaskRecord[]): string[] {
  return tasks.filter((record) => record.state === 'running' && record.taskId !== undefined).map(taskLabel);
}

/** The status says ACK refused a request as "cluster busy" while one of our own tasks was running. */
export function refusedWhileOwnTaskRuns(status: SandboxCapacityStatus | undefined): boolean {
  if (findCondition(status?.conditions, ConditionType.Reconciling)?.reason !== Reason.ClusterBusy) return false;
  return runningTaskLabels(status?.tasks ?? []).length > 0;
}

/** The request that would be made now: target vSwitch by water-filling, count capped by both limits. */
function sizeRequest(input: PlanInput, observed: Observation, shortfall: number): RequestShape | undefined {
  const vswitchIds = input.capacity.spec.scaleOut.vswitchIds;
  const target =
    vswitchIds.length > 1
      ? chooseTarget(vswitchIds, vswitchLoads(vswitchIds, observed.tasks, input.nodes, observed.vswitchZones, observed.inFlightOf), shortfall)
      : { vswitchId: vswitchIds[0], allocation: shortfall };
  if (target?.vswitchId === undefined) return undefined;
  const { maxInFlightNodes, maxNodesPerScaleOut } = observed.settings;
  const headroom = Math.max(0, maxInFlightNodes - observed.inFlight);
  const wanted = Math.min(target.allocation, maxNodesPerScaleOut, maxInFlightNodes);
  // Only whole requests: while nodes join one by one, each freed slot would otherwise become a
  // request of its own (20 joins → 20 one-node ScaleOutCluster calls, each an ACK task).
  return { count: headroom >= wanted ? wanted : 0, vswitchIds: [target.vswitchId] };
}

interface StatusParts {
  tasks: TaskRecord[];
  verdict: Verdict;
  inFlight: number;
}

function buildStatus(capacity: SandboxCapacity, observed: Observation, { tasks, verdict, inFlight }: StatusParts): SandboxCapacityStatus {
  const { counts, backoffStatus, generation, nowMs } = observed;
  const lastDecision = { action: verdict.action, reason: verdict.reason, message: verdict.message, ...(verdict.count === undefined ? {} : { count: verdict.count }) };
  const facts = { desired: capacity.spec.replicas, replicas: counts.replicas, readyReplicas: counts.readyReplicas, verdict, generation };
  const status: SandboxCapacityStatus = {
    ...backoffStatus,
    observedGeneration: generation,
    replicas: counts.replicas,
    readyReplicas: counts.readyReplicas,
    inFlightReplicas: inFlight,
    selector: selectorToString(capacity.spec.nodeSelector),
    tasks,
    consecutiveFailures: backoffStatus.consecutiveFailures ?? 0,
    nextRetryTime: backoffStatus.nextRetryTime ?? null,
    lastDecision,
    conditions: buildConditions(capacity.status?.conditions, facts, nowMs),
  };
  if (verdict.action === 'ScaleOut') status.lastScaleOutTime = toTimestamp(nowMs);
  if (Object.keys(observed.vswitchZones).length > 0) status.vswitchZones = observed.vswitchZones;
  else delete status.vswitchZones;
  return status;
}
