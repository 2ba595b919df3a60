// Scale-in's shell: read the pods the plan needs, and carry out what it decided once the status that
// records it is written.
//   observe   only when the core says so (scaleInNeedsPods): the pods bound to the counted Nodes, one
//             list per Node by spec.nodeName (no cluster-wide pod watch), and the budgets of their
//             namespaces — or, while a drain runs, only the draining Nodes' pods;
//   uncordon  removals given up;
//   drain     cordon (spec.unschedulable), then evict each pod through the Eviction API, so the API
//             server applies PodDisruptionBudgets (a refusal is retried by the next reconcile);
//   remove    per drained Node, exactly once: read the instance in ACK first (gone: done; removing: an
//             earlier call took, wait), check the lease, then RemoveNodePoolNodes (node-pool mode:
//             never a lower desired_size, never DeleteClusterNodes on a pool) or DeleteClusterNodes
//             (ScaleOutCluster mode), both releasing the instance; the answer is folded and written.
import type { V1LabelSelector, V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import { scaleInSpecOf, type LabelSelector, type NodeRemoval, type SandboxCapacity } from '../api/sandbox-capacity.js';
import { cloudErrorOf, type AckApi } from '../cloud/ack-api.js';
import type { CallBudget } from '../cloud/call-budget.js';
import { describeApiError } from '../kube/api-errors.js';
import type { DrainApi } from '../kube/drain-api.js';
import type { StatusStore } from '../kube/status-store.js';
import type { Reachable } from './cloud-session.js';
import {
  parseTimestamp, recordRemovalAccepted, recordRemovalFailed, recordRemovalGone, scaleInNeedsPods, scaleInSettings,
  type BudgetView, type ObservedNode, type Outcome, type PlannedEvent, type PodSnapshot, type PodView, type ScaleInActions,
} from './core/index.js';
import type { LeaderFence } from './ports.js';
import { writeResult } from './scale-out-executor.js';

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export function toPodView(pod: V1Pod): PodView {
  const meta = pod.metadata ?? {};
  const annotations = meta.annotations ?? {};
  const view: PodView = {
    namespace: meta.namespace ?? '', name: meta.name ?? '', labels: meta.labels ?? {}, annotations,
    mirror: annotations[MIRROR_ANNOTATION] !== undefined,
    finished: pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed',
    deleting: meta.deletionTimestamp !== undefined,
  };
  const controller = (meta.ownerReferences ?? []).find((owner) => owner.controller === true);
  if (controller !== undefined) view.controllerKind = controller.kind;
  return view;
}

/** A budget whose status the disruption controller has not computed for its current spec allows nothing (as the Eviction API says). */
export function toBudgetView(pdb: V1PodDisruptionBudget): BudgetView {
  const meta = pdb.metadata ?? {};
  const current = pdb.status !== undefined && (pdb.status.observedGeneration ?? 0) >= (meta.generation ?? 0);
  const view: BudgetView = { namespace: meta.namespace ?? '', name: meta.name ?? '', disruptionsAllowed: current ? (pdb.status?.disruptionsAllowed ?? 0) : 0 };
  const selector = pdb.spec?.selector;
  if (selector !== undefined) view.selector = toSelector(selector);
  return view;
}

function toSelector(selector: V1LabelSelector): LabelSelector {
  const out: LabelSelector = {};
  if (selector.matchLabels !== undefined) out.matchLabels = selector.matchLabels;
  if (selector.matchExpressions !== undefined) {
    out.matchExpressions = selector.matchExpressions.map((e) => ({ key: e.key, operator: e.operator as 'In' | 'NotIn' | 'Exists' | 'DoesNotExist', ...(e.values === undefined ? {} : { values: e.values }) }));
  }
  return out;
}

/**
 * The pods (and budgets) this plan needs, or undefined when it needs none. A failed list (403 without
 * the chart's rbac.scaleIn) comes back as the snapshot's error: scale-in says so, everything else goes on.
 */
export async function observePods(sc: SandboxCapacity, nodes: readonly ObservedNode[], drain: DrainApi, nowMs: number): Promise<PodSnapshot | undefined> {
  try {
    return await listPods(sc, nodes, drain, nowMs);
  } catch (err) {
    return { pods: new Map(), budgets: [], error: describeApiError(err) };
  }
}

async function listPods(sc: SandboxCapacity, nodes: readonly ObservedNode[], drain: DrainApi, nowMs: number): Promise<PodSnapshot | undefined> {
  const { settings } = scaleInSettings(scaleInSpecOf(sc.spec));
  const live = nodes.filter((n) => !n.deleting);
  const previous = sc.status?.scaleIn;
  if (!scaleInNeedsPods(settings, previous, live.length - sc.spec.replicas, nowMs)) return undefined;
  const draining = (previous?.removals ?? []).filter((r) => r.phase === 'Draining').map((r) => r.nodeName);
  const looked = draining.length > 0 ? live.filter((n) => draining.includes(n.name)) : live.filter((n) => n.instanceId !== undefined);
  const pods = new Map<string, PodView[]>();
  for (const node of looked) pods.set(node.name, (await drain.podsOnNode(node.name)).map(toPodView));
  const namespaces = new Set([...pods.values()].flat().map((p) => p.namespace));
  const budgets: BudgetView[] = [];
  for (const namespace of namespaces) budgets.push(...(await drain.budgets(namespace)).map(toBudgetView));
  return { pods, budgets };
}

export interface ScaleInContext {
  drain: DrainApi;
  api: () => Promise<Reachable<AckApi>>;
  budget: CallBudget;
  store: StatusStore;
  fence: LeaderFence;
  now: () => number;
  logger: Logger;
}

export interface ScaleInExecuted {
  capacity: SandboxCapacity;
  events: PlannedEvent[];
}

/** Carries out `actions` on the resource whose written status records them. */
export async function executeScaleIn(written: SandboxCapacity, actions: ScaleInActions, ctx: ScaleInContext): Promise<ScaleInExecuted> {
  // Cordons and evictions are writes too: only the leader makes them (the next one resumes from status).
  if (!ctx.fence.isLeading()) return { capacity: written, events: [] };
  for (const nodeName of actions.uncordon) await uncordon(nodeName, ctx);
  for (const { nodeName, pods } of actions.drain) await drainNode(nodeName, pods, ctx);
  let result: ScaleInExecuted = { capacity: written, events: [] };
  for (const removal of actions.remove) {
    const next = await removeOnce(result.capacity, removal, ctx);
    result = { capacity: next.capacity, events: [...result.events, ...next.events] };
  }
  return result;
}

async function uncordon(nodeName: string, ctx: ScaleInContext): Promise<void> {
  const present = await ctx.drain.setUnschedulable(nodeName, false);
  ctx.logger.info('scale-in: uncordoned', { node: nodeName, present });
}

async function drainNode(nodeName: string, pods: readonly { namespace: string; name: string }[], ctx: ScaleInContext): Promise<void> {
  if (!(await ctx.drain.setUnschedulable(nodeName, true))) return;
  for (const pod of pods) {
    const result = await ctx.drain.evict(pod.namespace, pod.name);
    if (result.kind === 'refused') ctx.logger.info('scale-in: eviction refused, retried at the next look', { node: nodeName, pod: `${pod.namespace}/${pod.name}`, reason: result.message });
    else ctx.logger.debug('scale-in: evicted', { node: nodeName, pod: `${pod.namespace}/${pod.name}`, result: result.kind });
  }
}

/** What ACK says of the instance before any call: gone (done), being removed (an earlier call took), or there. */
async function instanceState(sc: SandboxCapacity, removal: NodeRemoval, api: AckApi, ctx: ScaleInContext): Promise<'gone' | 'removing' | 'present'> {
  await ctx.budget.acquire();
  const { nodes } = await api.describeClusterNodes(sc.spec.clusterId, { instanceIds: [removal.instanceId], pageNumber: 1, pageSize: 10 });
  const found = nodes.find((n) => n.instanceId === removal.instanceId);
  if (found === undefined) return 'gone';
  return found.state === 'removing' ? 'removing' : 'present';
}

async function removeOnce(sc: SandboxCapacity, removal: NodeRemoval, ctx: ScaleInContext): Promise<ScaleInExecuted> {
  const access = await ctx.api();
  if (!access.ok) {
    ctx.logger.warn('scale-in: no ACK client for the removal; asked again at the next look', { node: removal.nodeName, reason: access.blocked.reason });
    return { capacity: sc, events: [] };
  }
  let state: 'gone' | 'removing' | 'present';
  try {
    state = await instanceState(sc, removal, access.value, ctx);
  } catch (err) {
    const info = cloudErrorOf(err, 'read');
    ctx.logger.warn('scale-in: DescribeClusterNodes failed; the removal is asked at the next look', { node: removal.nodeName, code: info.code });
    return { capacity: sc, events: [] };
  }
  if (state === 'gone') return writeResult(sc, (capacity) => recordRemovalGone(capacity.status ?? {}, removal), ctx).then(asExecuted);
  if (state === 'removing') return { capacity: sc, events: [] };
  await ctx.budget.acquire();
  if (!ctx.fence.isLeading()) {
    ctx.logger.warn('scale-in: leader lease lost before the removal call; the next leader resumes it from status', { node: removal.nodeName });
    return { capacity: sc, events: [] };
  }
  return callRemoval(sc, removal, access.value, ctx);
}

async function callRemoval(sc: SandboxCapacity, removal: NodeRemoval, api: AckApi, ctx: ScaleInContext): Promise<ScaleInExecuted> {
  const pool = sc.spec.nodePool?.id;
  const action = pool === undefined ? 'DeleteClusterNodes' : 'RemoveNodePoolNodes';
  ctx.logger.info(`scale-in: calling ${action}`, { node: removal.nodeName, instanceId: removal.instanceId, drainedSinceMs: ctx.now() - (parseTimestamp(removal.startTime) ?? ctx.now()) });
  let fold: (capacity: SandboxCapacity) => Outcome;
  let refused = false;
  try {
    const accepted = pool === undefined
      ? await api.deleteClusterNodes(sc.spec.clusterId, [removal.nodeName])
      : await api.removeNodePoolNodes(sc.spec.clusterId, pool, [removal.instanceId]);
    ctx.logger.info(`scale-in: ${action} accepted`, { node: removal.nodeName, taskId: accepted.taskId });
    fold = (capacity) => ({ status: recordRemovalAccepted(capacity.status ?? {}, removal.nodeName, accepted.taskId, pool !== undefined), events: [] });
  } catch (err) {
    const info = cloudErrorOf(err, 'mutation');
    ctx.logger.warn(`scale-in: ${action} failed`, { node: removal.nodeName, code: info.code, kind: info.kind, error: info.message });
    // Whether it is given up depends on the failure only, not on the object it is folded into.
    refused = recordRemovalFailed({}, removal, info).uncordon;
    fold = (capacity) => recordRemovalFailed(capacity.status ?? {}, removal, info);
  }
  const result = asExecuted(await writeResult(sc, fold, ctx));
  if (refused) await uncordon(removal.nodeName, ctx);
  return result;
}

function asExecuted(result: { capacity: SandboxCapacity; events: PlannedEvent[] }): ScaleInExecuted {
  return result;
}
