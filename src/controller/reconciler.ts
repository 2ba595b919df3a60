// reconcile(key): one pass of the thin imperative shell around the pure planner.
//   1. observe  the resource (the freshest of the cache and our own last write) and its matching Nodes;
//   2. refresh  fold the cloud's answers that the status says are due (polls, intent recoveries) —
//               credentials are resolved only now, and only if something is due;
//   3. plan     once: the complete next status, Events, at most one request, when to look again;
//   4. act      make that request exactly once (intent persisted first), or write the status (only
//               if it changed) — a second plan only when acting finds a precondition gone (a Secret);
//   5. record   Events, metrics, poll memory, and return when to requeue.
// Repeating it, or cutting it off at any line, is safe: everything it needs is in the API server and
// in ACK; the in-memory poll memory only paces reads.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'winston';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import { isConflict, isNotFound } from '../kube/api-errors.js';
import type { Clock } from '../kube/clock.js';
import type { WorkResult } from '../kube/run-workers.js';
import type { DrainApi } from '../kube/drain-api.js';
import type { StatusStore } from '../kube/status-store.js';
import type { OperatorMetrics } from '../observability/metrics.js';
import { scaleOutClusterBackend, type CapacityBackend, type DueOptions, type PollMemory, type RefreshContext } from './backend.js';
import { nodePoolBackend } from './node-pool-backend.js';
import { CloudSession, type Reachable, type RequestAccess } from './cloud-session.js';
import { ClusterTaskLists } from './cluster-task-lists.js';
import { EventReason, clusterProblem, nextPollInMs, stalledOnCredentials, plan, pollsToBringForward, refusedWhileOwnTaskRuns, withCurrentSpellings, wouldWritePool, type Blocked, type Decision, type ObservedNode, type PlanInput, type PlannedEvent, type PodSnapshot } from './core/index.js';
import { recordAll, type EventSink } from './events.js';
import { FreshestObjects } from './freshest-object.js';
import { holdLedger, releaseLedgerIfDone } from './ledger-finalizer.js';
import type { ApiReads, CapacityCache, CloudAccess, LeaderFence } from './ports.js';
import { NodeReadyTimer, observeScaleIn, updateResourceMetrics } from './resource-metrics.js';
import { executeScaleIn, observePods } from './scale-in-executor.js';

export interface ReconcilerOptions {
  /** Report what would be requested, never request it. */
  dryRun: boolean;
  /** How long an intent whose outcome is unknown may take to show up in ACK's task list. */
  recoveryWindowMs: number;
  /** Node-pool mode: a settled pool is read at most this often (the resync period; default POOL_SETTLED_READ_MS). */
  settledReadMs?: number;
  random: () => number;
  logger: Logger;
  metrics?: OperatorMetrics;
}

export interface ReconcilerDeps {
  cache: CapacityCache;
  store: StatusStore;
  events: EventSink;
  reads: ApiReads;
  cloud: CloudAccess;
  fence: LeaderFence;
  clock: Clock;
  options: ReconcilerOptions;
  /** Scale-in's pod, budget, cordon and eviction calls; without it scale-in never sees a pod and removes nothing. */
  drain?: DrainApi;
}

interface KeyMemory extends PollMemory {
  /** Learned from a "cluster busy" refusal (re-learned after a restart, at the cost of one refusal). */
  oneTaskAtATime: boolean;
  /** Counted Nodes seen last time: more now means a task may have delivered (poll at once); fewer, that one is gone. */
  nodes: readonly ObservedNode[] | undefined;
}

/** What one pass leaves behind: the status as written and the Events to record. */
interface Pass {
  written: SandboxCapacity;
  events: PlannedEvent[];
  decision: Decision;
}

export class Reconciler {
  private readonly freshest = new FreshestObjects();
  private readonly memory = new Map<string, KeyMemory>();
  private readonly readyTimer = new NodeReadyTimer();
  /** One read of a cluster's task list serves the polls and first looks of all its resources. */
  private readonly taskLists = new ClusterTaskLists(() => this.deps.clock.now());

  constructor(private readonly deps: ReconcilerDeps) {}

  async reconcile(key: string): Promise<WorkResult> {
    const cached = this.deps.cache.get(key);
    if (!cached) {
      this.forget(key);
      return {};
    }
    const sc = withCurrentSpellings(this.freshest.pick(key, cached));
    const logger = this.deps.options.logger.child({ resource: key, reconcileId: randomUUID().slice(0, 8) });
    const metrics = this.deps.options.metrics;
    try {
      return await this.reconcileResource(key, sc, logger);
    } catch (err) {
      if (isConflict(err)) {
        logger.debug('status write conflicted with a newer object; requeueing');
        metrics?.reconcileErrors.labels('conflict').inc();
        return { requeue: true };
      }
      if (isNotFound(err)) {
        logger.debug('resource deleted while reconciling');
        return {};
      }
      metrics?.reconcileErrors.labels('kubernetes').inc();
      throw err;
    }
  }

  private memoryOf(key: string): KeyMemory {
    let m = this.memory.get(key);
    if (!m) {
      m = { lastPolled: new Map(), pulledForward: new Map(), oneTaskAtATime: false, nodes: undefined };
      this.memory.set(key, m);
    }
    return m;
  }

  private forget(key: string): void {
    this.freshest.forget(key);
    this.memory.delete(key);
    this.readyTimer.forget(key);
  }

  private async reconcileResource(key: string, initial: SandboxCapacity, logger: Logger): Promise<WorkResult> {
    const { clock, options } = this.deps;
    // 1. observe
    const memory = this.memoryOf(key);
    const seen = this.observe(initial, memory);
    const session = new CloudSession(initial, this.deps.reads.secrets, this.deps.cloud);
    // 2. refresh — not for a resource of another cluster: nothing is called for it at all.
    const foreign = clusterProblem(initial, seen.cluster) !== undefined;
    const refreshed = foreign ? { capacity: initial, events: [] } : await this.refresh(initial, { nodes: seen.nodes, memory, session, logger });
    // Stalled on credentials: re-read their Secret (one GET), so a fixed AccessKey lifts the stall.
    if (!foreign && stalledOnCredentials(initial.status) && initial.spec.credentials?.secretRef !== undefined) await session.api();
    // Scale-in: the pods of the counted Nodes, only when the status says a drain runs or may start.
    const pods = await this.observePods(refreshed.capacity, seen.nodes, foreign);
    // 3. plan, once
    const planOf = (blocked: Blocked | undefined): Decision => plan({
      capacity: refreshed.capacity, now: clock.now(), random: options.random, dryRun: options.dryRun, oneTaskAtATime: memory.oneTaskAtATime, ...seen,
      ...(pods === undefined ? {} : { pods }),
      ...(session.credentialsVersion === undefined ? {} : { credentialsVersion: session.credentialsVersion }),
      ...(blocked === undefined ? {} : { blocked }),
    });
    // 4. act
    const acted = await this.act(initial, planOf(refreshed.blocked), { session, logger, replan: planOf });
    if (acted === 'notLeader') return { requeue: true };
    const pass = await this.scaleIn(initial, acted, { session, logger });
    // 5. record. Writes went against `initial` (the server's status and resourceVersion), never the
    // folded copy, so an unchanged status is not mistaken for a written one.
    this.freshest.remember(key, initial, pass.written);
    await this.record(key, { pass, refreshedEvents: refreshed.events, nodes: seen.nodes, logger });
    this.updateMemory(memory, pass.written);
    const pollIn = nextPollInMs(pass.written.status?.tasks ?? [], memory.lastPolled, clock.now());
    const requeueAfterMs = pollIn === undefined ? pass.decision.requeueAfterMs : Math.min(pollIn, pass.decision.requeueAfterMs ?? pollIn);
    return requeueAfterMs === undefined ? {} : { requeueAfterMs };
  }

  /** What the cache shows of the world for this resource; new Nodes bring its task polls forward. */
  private observe(sc: SandboxCapacity, memory: KeyMemory): Pick<PlanInput, 'nodes' | 'cluster' | 'overlaps' | 'goneNodes'> & { nodes: ObservedNode[] } {
    const { cache } = this.deps;
    const nodes = cache.matchingNodes(sc);
    if (nodes.length > (memory.nodes?.length ?? 0)) this.bringPollsForward(memory, sc);
    const goneNodes = goneSince(memory.nodes, nodes);
    memory.nodes = nodes;
    return { nodes, cluster: cache.clusterIdentity(), overlaps: cache.overlaps(sc), goneNodes };
  }

  /** Events (refresh's, the pass's, the finalizer's release) and metrics, after the status is written. */
  private async record(key: string, { pass, refreshedEvents, nodes, logger }: { pass: Pass; refreshedEvents: PlannedEvent[]; nodes: readonly ObservedNode[]; logger: Logger }): Promise<void> {
    const { options, clock } = this.deps;
    const events = [...refreshedEvents, ...pass.events, ...(await releaseLedgerIfDone(this.deps.store, pass.written))];
    logDryRun(events, pass.decision, pass.written, logger);
    await recordAll(this.deps.events, pass.written, events);
    if (options.metrics) {
      updateResourceMetrics(options.metrics, pass.written);
      this.readyTimer.observe(options.metrics, key, pass.written, nodes, clock.now());
    }
  }

  /** Makes every task's poll due now, unless it was brought forward recently. */
  private bringPollsForward(memory: KeyMemory, sc: SandboxCapacity): void {
    const nowMs = this.deps.clock.now();
    for (const taskId of pollsToBringForward(sc.status, memory.pulledForward, nowMs)) {
      // Polled "at the epoch": due now, whether or not this process has polled it before.
      memory.lastPolled.set(taskId, 0);
      memory.pulledForward.set(taskId, nowMs);
    }
  }

  private async refresh(
    sc: SandboxCapacity,
    { nodes, memory, session, logger }: { nodes: readonly ObservedNode[]; memory: KeyMemory; session: CloudSession; logger: Logger },
  ): Promise<{ capacity: SandboxCapacity; events: PlannedEvent[]; blocked?: Blocked }> {
    const { clock, options, cloud } = this.deps;
    const context = async (): Promise<RefreshContext | Blocked> => {
      const api = await session.api();
      if (!api.ok) return api.blocked;
      return { api: api.value, budget: cloud.budget, now: () => clock.now(), random: options.random, logger, memory, recoveryWindowMs: options.recoveryWindowMs, nodes: this.deps.reads.nodes, taskLists: this.taskLists };
    };
    const due = { nowMs: clock.now(), dryRun: options.dryRun, ...(options.settledReadMs === undefined ? {} : { settledReadMs: options.settledReadMs }) };
    return sc.spec.nodePool === undefined
      ? refreshWith(scaleOutClusterBackend, sc, { nodes, memory, due, context })
      : refreshWith(nodePoolBackend, sc, { nodes, memory, due, context });
  }

  private async act(
    base: SandboxCapacity,
    decision: Decision,
    { session, logger, replan }: { session: CloudSession; logger: Logger; replan: (blocked: Blocked) => Decision },
  ): Promise<Pass | 'notLeader'> {
    const { store, fence, clock, options, cloud } = this.deps;
    if (decision.request === undefined && decision.poolWrite === undefined) return { written: await store.write(base, decision.status), events: decision.events, decision };
    // Lease lost just now: leave everything to the new leader, write nothing.
    if (!fence.isLeading()) return 'notLeader';
    // The credentials are read while the finalizer and the intent are written; the call waits for both.
    const access = session.forRequest();
    access.catch(() => undefined); // awaited by execute; a failed write before it must not leave it unhandled
    // Already stalled (a Secret missing, say): they are read first, as they are likely still missing
    // (else every pass would write an intent and withdraw it).
    const missing = isStalled(base) ? await missingAccess(access) : undefined;
    if (missing !== undefined) {
      const blocked = replan(missing);
      return { written: await store.write(base, blocked.status), events: blocked.events, decision: blocked };
    }
    // The ledger must outlive the object from the moment a request may buy nodes.
    const held = await holdLedger(store, base);
    const backend = held.spec.nodePool === undefined ? scaleOutClusterBackend : nodePoolBackend;
    const executed = await backend.execute(held, decision, {
      access, replan, budget: cloud.budget, store, fence, now: () => clock.now(), random: options.random, logger, ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    return { written: executed.capacity, events: executed.events, decision: executed.replanned ?? decision };
  }

  private async observePods(sc: SandboxCapacity, nodes: readonly ObservedNode[], foreign: boolean): Promise<PodSnapshot | undefined> {
    return this.deps.drain === undefined || foreign ? undefined : observePods(sc, nodes, this.deps.drain, this.deps.clock.now());
  }

  /** Scale-in's actions, after the status that records them is written (never before: exactly once, in reverse). */
  private async scaleIn(initial: SandboxCapacity, pass: Pass, { session, logger }: { session: CloudSession; logger: Logger }): Promise<Pass> {
    const actions = pass.decision.scaleIn;
    const { drain, store, fence, clock, cloud, options } = this.deps;
    let result = pass;
    if (actions !== undefined && drain !== undefined) {
      const executed = await executeScaleIn(pass.written, actions, { drain, api: () => session.api(), budget: cloud.budget, store, fence, now: () => clock.now(), logger });
      result = { ...pass, written: executed.capacity, events: [...pass.events, ...executed.events] };
    }
    if (options.metrics) observeScaleIn(options.metrics, initial, result.written, result.events, clock.now());
    return result;
  }

  /** After the write: learn from a "cluster busy" refusal, forget polls of tasks no longer live. */
  private updateMemory(memory: KeyMemory, sc: SandboxCapacity): void {
    if (refusedWhileOwnTaskRuns(sc.status)) memory.oneTaskAtATime = true;
    const live = new Set((sc.status?.tasks ?? []).flatMap((t) => (t.taskId ? [t.taskId] : [])));
    for (const polls of [memory.lastPolled, memory.pulledForward]) for (const id of polls.keys()) if (!live.has(id)) polls.delete(id);
  }
}

/** The backend's refresh, if it has cloud reads due; credentials are resolved only then. */
async function refreshWith<Work>(
  backend: CapacityBackend<Work>,
  sc: SandboxCapacity,
  { nodes, memory, due, context }: { nodes: readonly ObservedNode[]; memory: PollMemory; due: DueOptions; context: () => Promise<RefreshContext | Blocked> },
): Promise<{ capacity: SandboxCapacity; events: PlannedEvent[]; blocked?: Blocked }> {
  const work = backend.due(sc, nodes, memory, due);
  if (work === undefined) return { capacity: sc, events: [] };
  const ctx = await context();
  if (!('api' in ctx)) return { capacity: sc, events: [], blocked: ctx };
  return backend.refresh(sc, work, ctx);
}

function isStalled(sc: SandboxCapacity): boolean {
  return (sc.status?.conditions ?? []).some((c) => c.type === 'Stalled' && c.status === 'True');
}

/** Why the request cannot be made (a Secret or key missing), or undefined when it can. */
async function missingAccess(access: Promise<Reachable<RequestAccess>>): Promise<Blocked | undefined> {
  const ready = await access;
  return ready.ok ? undefined : ready.blocked;
}

/** Counted Nodes seen last time and absent now (none on the first look after a start). */
function goneSince(before: readonly ObservedNode[] | undefined, now: readonly ObservedNode[]): { name: string; instanceId?: string }[] {
  if (before === undefined) return [];
  const present = new Set(now.map((n) => n.name));
  return before.filter((n) => !present.has(n.name)).map((n) => (n.instanceId === undefined ? { name: n.name } : { name: n.name, instanceId: n.instanceId }));
}

/**
 * Dry run promises to log what it would request: once per change, when the core plans its DryRun
 * Event — naming the call the mode makes (node-pool mode: the absolute size ModifyClusterNodePool
 * would write).
 */
function logDryRun(events: readonly PlannedEvent[], decision: Decision, capacity: SandboxCapacity, logger: Logger): void {
  for (const event of events) {
    if (event.reason !== EventReason.DryRun) continue;
    const count = decision.status.lastDecision?.count;
    if (capacity.spec.nodePool === undefined) {
      logger.info('dry run: would call ScaleOutCluster', { count, decision: event.message });
      continue;
    }
    const write = wouldWritePool(capacity, count ?? 0);
    logger.info('dry run: would call ModifyClusterNodePool', {
      nodepoolId: capacity.spec.nodePool.id, count, decision: event.message,
      ...(write === undefined ? {} : { desiredSize: write.desiredSize, previousSize: write.previousSize }),
    });
  }
}
