// Scale-in, pure: from the previous status.scaleIn, the counted Nodes, the pods the shell listed on
// them and the time, the next status.scaleIn, its Events, the verdict while there is a surplus, and
// what the shell must do (cordon and evict, uncordon, ask ACK to remove).
//   1. follow every removal in status: a gone Node completes a Removing one; a Draining one is given
//      up (uncordon, remove nothing) when it is held (paused, a rule before the surplus concluded,
//      disabled) or would go below spec.replicas, when a protected pod appeared, or past
//      drainTimeout; with no workload pod left it becomes Removing (recorded before the call);
//   2. start new ones only when none is in progress, the surplus has lasted the cooldown and nothing
//      holds: the best unprotected candidates (scale-in-candidates.ts), at most maxNodesPerStep and
//      never below spec.replicas — recorded here, so the status holds them before any cordon.
// The removal call itself is the shell's; its answer comes back through the record* folds below.
import type { LastDecision, NodeRemoval, ScaleInSpec, ScaleInStatus, SandboxCapacityStatus } from '../../api/sandbox-capacity.js';
import type { CloudErrorInfo } from '../../cloud/ack-api.js';
import { EventReason, Reason, plural } from './reasons.js';
import { orderCandidates, podBlocker, podName, selectRemovals, workloadPods, type Blocker, type PodSnapshot, type PodView } from './scale-in-candidates.js';
import { formatDuration, parseTimestamp, toTimestamp, tryParseDuration } from './time.js';
import type { ObservedNode, PlannedEvent, Verdict } from './types.js';

/** How soon a drain is looked at again (evictions refused by a budget are retried this often). */
export const DRAIN_RECHECK_MS = 5_000;
/** How soon an accepted removal is looked at again (the Node goes when ACK has removed the instance). */
export const REMOVAL_RECHECK_MS = 10_000;
/** How soon a blocked scale-in looks again (each look lists the pods of every counted Node). */
export const BLOCKED_RECHECK_MS = 30_000;

export interface ScaleInSettings {
  enabled: boolean;
  cooldownMs: number;
  maxNodesPerStep: number;
  drainTimeoutMs: number;
}

/** spec.scaleIn as numbers; a malformed duration falls back to its default and is named in `problem`. */
export function scaleInSettings(spec: ScaleInSpec): { settings: ScaleInSettings; problem?: string } {
  const problems: string[] = [];
  const read = (field: string, text: string, fallbackMs: number, allowZero: boolean): number => {
    const ms = tryParseDuration(text);
    if (ms !== undefined && ms >= 0 && (ms > 0 || allowZero)) return ms;
    problems.push(`${field} is "${text}": expected a Go duration such as 10m`);
    return fallbackMs;
  };
  const settings: ScaleInSettings = {
    enabled: spec.enabled,
    cooldownMs: read('spec.scaleIn.cooldown', spec.cooldown, 600_000, true),
    maxNodesPerStep: Math.max(1, Math.floor(spec.maxNodesPerStep)),
    drainTimeoutMs: read('spec.scaleIn.drainTimeout', spec.drainTimeout, 600_000, false),
  };
  return problems.length === 0 ? { settings } : { settings, problem: problems.join('; ') };
}

export interface PodRef {
  namespace: string;
  name: string;
}

/** What the shell does after writing the status (never before: the removals must be on record first). */
export interface ScaleInActions {
  /** Cordon each Node (idempotent) and evict these pods through the Eviction API. */
  drain: { nodeName: string; pods: PodRef[] }[];
  /** Uncordon: removals given up. */
  uncordon: string[];
  /** Ask ACK to remove and release these instances (phase Removing, no taskId yet). */
  remove: NodeRemoval[];
}

export interface ScaleInInput {
  settings: ScaleInSettings;
  previous: ScaleInStatus | undefined;
  desired: number;
  /** Counted live Nodes (being removed ones included until they are gone). */
  replicas: number;
  /** The counted Nodes. */
  nodes: readonly ObservedNode[];
  /** Pods of the Nodes the shell looked at (scaleInNeedsPods); undefined: none listed. */
  snapshot?: PodSnapshot;
  /** Why nothing may start and drains are given up; undefined when the surplus verdict was reached. */
  hold?: string;
  dryRun: boolean;
  previousDecision?: LastDecision;
  nowMs: number;
}

export interface ScaleInPlan {
  /** The next status.scaleIn; undefined: remove it. */
  status: ScaleInStatus | undefined;
  events: PlannedEvent[];
  /** Replaces the SurplusNodes verdict while scale-in acts on the surplus (verdict.ts rule 7). */
  verdict?: Verdict;
  actions: ScaleInActions;
  wakeUpsMs: number[];
}

interface Step {
  input: ScaleInInput;
  kept: NodeRemoval[];
  /** A removal was given up in this plan: the cooldown starts again (no retry loop on the same Node). */
  gaveUp: boolean;
  events: PlannedEvent[];
  actions: ScaleInActions;
  wakeUpsMs: number[];
}

const normal = (reason: PlannedEvent['reason'], message: string): PlannedEvent => ({ type: 'Normal', reason, message });
const warning = (reason: PlannedEvent['reason'], message: string): PlannedEvent => ({ type: 'Warning', reason, message });

/** Whether the shell should list the pods of the counted Nodes for this plan (and only then). */
export function scaleInNeedsPods(settings: ScaleInSettings, previous: ScaleInStatus | undefined, surplus: number, nowMs: number): boolean {
  if ((previous?.removals ?? []).some((r) => r.phase === 'Draining')) return true;
  if (!settings.enabled || surplus <= 0 || (previous?.removals ?? []).length > 0) return false;
  const since = parseTimestamp(previous?.surplusSince);
  return since !== undefined && nowMs - since >= settings.cooldownMs;
}

export function planScaleIn(input: ScaleInInput): ScaleInPlan {
  const step: Step = { input, kept: [], gaveUp: false, events: [], actions: { drain: [], uncordon: [], remove: [] }, wakeUpsMs: [] };
  const hold = input.hold ?? (input.settings.enabled ? undefined : 'spec.scaleIn.enabled is false');
  followRemovals(step, hold);
  const acting = hold === undefined && input.replicas > input.desired;
  const surplusSince = acting ? surplusStart(step) : undefined;
  const verdict = surplusSince === undefined ? undefined : nextVerdict(step, surplusSince);
  const status: ScaleInStatus = {};
  if (surplusSince !== undefined) status.surplusSince = surplusSince;
  if (step.kept.length > 0) status.removals = step.kept;
  const plan: ScaleInPlan = { status: Object.keys(status).length === 0 ? undefined : status, events: step.events, actions: step.actions, wakeUpsMs: step.wakeUpsMs };
  if (verdict !== undefined) plan.verdict = verdict;
  return plan;
}

/** Since when the surplus lasts: kept, unless it is new or a removal was just given up (the cooldown starts again). */
function surplusStart(step: Step): string {
  const previous = step.input.previous?.surplusSince;
  return previous === undefined || step.gaveUp ? toTimestamp(step.input.nowMs) : previous;
}

// ---- 1. the removals in progress ----------------------------------------------------------------

function followRemovals(step: Step, hold: string | undefined): void {
  const { input } = step;
  const live = new Map(input.nodes.filter((n) => !n.deleting).map((n) => [n.name, n]));
  const pending = (input.previous?.removals ?? []).filter((removal) => followGone(step, removal, live.has(removal.nodeName)));
  // Never below spec.replicas: give up the last Draining ones when demand came back.
  let excess = input.replicas - pending.length - input.desired;
  const giveUp = new Set<NodeRemoval>();
  for (const removal of [...pending].reverse()) {
    if (excess >= 0) break;
    if (removal.phase !== 'Draining') continue;
    giveUp.add(removal);
    excess++;
  }
  for (const removal of pending) {
    if (removal.phase === 'Removing') followRemoving(step, removal);
    else if (hold !== undefined) abort(step, removal, hold);
    else if (giveUp.has(removal)) abort(step, removal, `spec.replicas is ${input.desired}: removing it would leave fewer Nodes`);
    else followDraining(step, removal);
  }
}

/** False (and its Event) when the removal's Node is gone: completed if ACK was asked, else given up. */
function followGone(step: Step, removal: NodeRemoval, present: boolean): boolean {
  if (present) return true;
  if (removal.phase === 'Removing') {
    step.events.push(normal(EventReason.ScaleInCompleted, `Node ${removal.nodeName} (instance ${removal.instanceId}) removed and released`));
  } else {
    step.events.push(warning(EventReason.ScaleInAborted, `Node ${removal.nodeName} disappeared while it was being drained; the operator removed nothing`));
  }
  return false;
}

function followRemoving(step: Step, removal: NodeRemoval): void {
  step.kept.push(removal);
  if (removal.taskId === undefined) step.actions.remove.push(removal);
  step.wakeUpsMs.push(REMOVAL_RECHECK_MS);
}

function abort(step: Step, removal: NodeRemoval, why: string): void {
  giveUp(step, removal);
  step.events.push(normal(EventReason.ScaleInAborted, `scale-in of Node ${removal.nodeName} given up (${why}): uncordoned, nothing removed`));
}

function giveUp(step: Step, removal: NodeRemoval): void {
  step.actions.uncordon.push(removal.nodeName);
  step.gaveUp = true;
}

function followDraining(step: Step, removal: NodeRemoval): void {
  const { input } = step;
  const pods = input.snapshot?.pods.get(removal.nodeName);
  if (pods === undefined) {
    step.kept.push(removal);
    step.actions.drain.push({ nodeName: removal.nodeName, pods: [] });
    step.wakeUpsMs.push(DRAIN_RECHECK_MS);
    return;
  }
  const left = workloadPods(pods);
  const protectedPod = left.map((pod) => podBlocker(pod, [], new Map())).find((b) => b !== undefined);
  if (protectedPod !== undefined) {
    giveUp(step, removal);
    step.events.push(warning(EventReason.ScaleInBlocked, `scale-in of Node ${removal.nodeName} given up: ${protectedPod.message}; uncordoned, nothing removed`));
    return;
  }
  if (left.length === 0) {
    const removing: NodeRemoval = { ...removal, phase: 'Removing', removeTime: toTimestamp(input.nowMs) };
    step.events.push(normal(EventReason.NodeDrained, `Node ${removal.nodeName} drained; asking ACK to remove and release instance ${removal.instanceId}`));
    followRemoving(step, removing);
    return;
  }
  const started = parseTimestamp(removal.startTime) ?? input.nowMs;
  if (input.nowMs - started >= input.settings.drainTimeoutMs) {
    giveUp(step, removal);
    step.events.push(warning(EventReason.ScaleInBlocked, `drain of Node ${removal.nodeName} timed out after ${formatDuration(input.settings.drainTimeoutMs)} with ${describePods(left)} still there; uncordoned, nothing removed`));
    return;
  }
  step.kept.push(removal);
  step.actions.drain.push({ nodeName: removal.nodeName, pods: left.filter((pod) => !pod.deleting).map((pod) => ({ namespace: pod.namespace, name: pod.name })) });
  step.wakeUpsMs.push(DRAIN_RECHECK_MS);
}

/** The surplus as scale-in tells it (surplusMessage says "never removed", which is not so here). */
function surplusHead(replicas: number, desired: number): string {
  return `${plural(replicas, 'node')} match, ${desired} desired: ${plural(replicas - desired, 'surplus node')}`;
}

function describePods(pods: readonly PodView[]): string {
  const names = pods.slice(0, 3).map(podName).join(', ');
  return `${plural(pods.length, 'pod')} (${names}${pods.length > 3 ? ', …' : ''})`;
}

// ---- 2. the verdict while there is a surplus, and new removals ----------------------------------

function nextVerdict(step: Step, surplusSince: string): Verdict {
  const { input } = step;
  if (step.kept.length > 0) return progressVerdict(step.kept, input.nodes);
  const since = parseTimestamp(surplusSince) ?? input.nowMs;
  const surplus = input.replicas - input.desired;
  const remainingMs = since + input.settings.cooldownMs - input.nowMs;
  if (remainingMs > 0) {
    step.wakeUpsMs.push(remainingMs);
    return { action: 'NoOp', reason: Reason.SurplusNodes, message: `${surplusHead(input.replicas, input.desired)}; scale-in removes ${surplus === 1 ? 'it' : 'them'} once the surplus has lasted ${formatDuration(input.settings.cooldownMs)} (in ${formatDuration(remainingMs)})` };
  }
  if (input.snapshot === undefined) {
    step.wakeUpsMs.push(DRAIN_RECHECK_MS);
    return { action: 'Wait', reason: Reason.ScalingIn, message: `${surplusHead(input.replicas, input.desired)}; looking at the pods of the surplus Nodes` };
  }
  if (input.snapshot.error !== undefined) return blockedVerdict(step, [], `the pods of the surplus Nodes cannot be listed (${input.snapshot.error}); the Helm chart grants scale-in's permissions with rbac.scaleIn: true`);
  return startRemovals(step, input.snapshot, Math.min(surplus, input.settings.maxNodesPerStep));
}

function startRemovals(step: Step, snapshot: PodSnapshot, count: number): Verdict {
  const { input } = step;
  const selection = selectRemovals(orderCandidates(input.nodes, snapshot, new Set()), snapshot.budgets, count);
  if (selection.chosen.length === 0) return blockedVerdict(step, selection.blockers);
  const names = selection.chosen.map((c) => c.node.name);
  if (input.dryRun) return { action: 'NoOp', reason: Reason.DryRun, message: `dry run: would drain and remove ${plural(names.length, 'Node')}: ${names.join(', ')}` };
  const startTime = toTimestamp(input.nowMs);
  for (const { node, workload } of selection.chosen) {
    step.kept.push({ nodeName: node.name, instanceId: node.instanceId, phase: 'Draining', startTime });
    step.actions.drain.push({ nodeName: node.name, pods: workload.map((pod) => ({ namespace: pod.namespace, name: pod.name })) });
    step.events.push(normal(EventReason.ScaleInStarted, `surplus Node ${node.name} (instance ${node.instanceId}) cordoned; evicting ${plural(workload.length, 'pod')}`));
  }
  step.wakeUpsMs.push(DRAIN_RECHECK_MS);
  return progressVerdict(step.kept, input.nodes);
}

function blockedVerdict(step: Step, blockers: readonly Blocker[], reason?: string): Verdict {
  const { input } = step;
  const why = reason ?? (blockers.length === 0
    ? 'no surplus Node has an ECS instance id in spec.providerID'
    : blockers.slice(0, 3).map((b) => `Node ${b.node}: ${b.message}`).join('; '));
  const message = `${surplusHead(input.replicas, input.desired)}, but none can be removed now: ${why}`;
  const previous = input.previousDecision;
  if (previous?.reason !== Reason.ScaleInBlocked || previous.message !== message) step.events.push(warning(EventReason.ScaleInBlocked, message));
  step.wakeUpsMs.push(BLOCKED_RECHECK_MS);
  return { action: 'NoOp', reason: Reason.ScaleInBlocked, message };
}

function progressVerdict(removals: readonly NodeRemoval[], nodes: readonly ObservedNode[]): Verdict {
  const known = new Set(nodes.map((n) => n.name));
  const parts = removals.map((r) => `${r.nodeName} (${r.phase === 'Draining' ? 'draining' : r.taskId === undefined ? 'asking ACK to remove it' : `ACK task ${r.taskId}`}${known.has(r.nodeName) ? '' : ', gone'})`);
  return { action: 'Wait', reason: Reason.ScalingIn, message: `removing ${plural(removals.length, 'surplus Node')}: ${parts.join(', ')}` };
}

// ---- the removal call's answer, folded into the status ------------------------------------------

function withRemovals(status: SandboxCapacityStatus, update: (removals: NodeRemoval[]) => NodeRemoval[]): SandboxCapacityStatus {
  const scaleIn = status.scaleIn ?? {};
  const removals = update(scaleIn.removals ?? []);
  const next: ScaleInStatus = { ...scaleIn, removals };
  if (removals.length === 0) delete next.removals;
  return { ...status, scaleIn: next };
}

/**
 * ACK accepted the removal: its task is recorded (no second call); the Node's disappearance completes
 * it. RemoveNodePoolNodes lowers the pool's desired size by the instances it removes: the pool as last
 * read says so at once, so the next read does not take our own removal for someone else's drift, and
 * the removed Node is not counted as one still to come.
 */
export function recordRemovalAccepted(status: SandboxCapacityStatus, nodeName: string, taskId: string, lowersPoolSize = false): SandboxCapacityStatus {
  const next = withRemovals(status, (removals) => removals.map((r) => (r.nodeName === nodeName && r.phase === 'Removing' ? { ...r, taskId } : r)));
  const pool = next.nodePool;
  if (!lowersPoolSize || pool === undefined) return next;
  return { ...next, nodePool: { ...pool, desiredSize: Math.max(0, pool.desiredSize - 1) } };
}

/** ACK no longer lists the instance: it is gone already, which counts as done. */
export function recordRemovalGone(status: SandboxCapacityStatus, removal: NodeRemoval): { status: SandboxCapacityStatus; events: PlannedEvent[] } {
  return {
    status: withRemovals(status, (removals) => removals.filter((r) => r.nodeName !== removal.nodeName)),
    events: [normal(EventReason.ScaleInCompleted, `instance ${removal.instanceId} of Node ${removal.nodeName} is already gone from ACK; nothing more to remove`)],
  };
}

/** Retrying these cannot remove anything else (the instance is named), so the removal stays on record and is asked again. */
const RETRIED: readonly CloudErrorInfo['kind'][] = ['throttled', 'transient', 'unknownOutcome', 'clusterBusy'];

/**
 * The removal call failed. Retryable: kept (the next reconcile reads the instance first, then asks
 * again). Otherwise given up: the shell uncordons the Node, nothing is removed, and ScaleInBlocked says why.
 */
export function recordRemovalFailed(status: SandboxCapacityStatus, removal: NodeRemoval, info: CloudErrorInfo): { status: SandboxCapacityStatus; events: PlannedEvent[]; uncordon: boolean } {
  if (RETRIED.includes(info.kind)) return { status, events: [], uncordon: false };
  return {
    status: withRemovals(status, (removals) => removals.filter((r) => r.nodeName !== removal.nodeName)),
    events: [warning(EventReason.ScaleInBlocked, `ACK refused to remove instance ${removal.instanceId} of Node ${removal.nodeName}: ${info.code}: ${info.message}; uncordoned, nothing removed`)],
    uncordon: true,
  };
}
