// reconcile(key): the thin imperative shell around the pure planner. It reads the resource and
// its Nodes from the caches, brings ACK's view of in-flight work into the status, asks plan() what
// to do, executes at most one ScaleOutCluster, writes the status once (only if it changed), records
// Events and says when to look again. Repeating it, or cutting it off at any line, is safe.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'winston';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { AckApi } from '../cloud/ack-api.js';
import type { AckApiFactory } from '../cloud/client-factory.js';
import { objectKey } from '../kube/informer-store.js';
import type { WorkResult } from '../kube/run-workers.js';
import type { OperatorMetrics } from '../observability/metrics.js';
import { needsCloud, followCloud } from './cloud-follow.js';
import { EARLY_POLL_MIN_GAP_MS, EventReason, plan, refusedWhileOwnTaskRuns, nextPollInMs, toObservedNode, matchesSelector, type Blocked, type Decision, type NodeLike, type ObservedNode, type PlannedEvent } from './core/index.js';
import { recordAll, type EventSink } from './events.js';
import { FreshestObjects } from './freshest-object.js';
import { readEachSecretOnce, resolveCredentialSource, resolveLoginPassword, type SecretReader } from './references.js';
import { executeScaleOut, type StatusStore } from './scale-out-executor.js';
import { updateResourceMetrics } from './resource-metrics.js';

export interface ReconcilerDeps {
  getCapacity: (key: string) => SandboxCapacity | undefined;
  listNodes: () => readonly NodeLike[];
  store: StatusStore;
  events: EventSink;
  secrets: SecretReader;
  cloud: AckApiFactory;
  isLeaderNow: () => boolean;
  /** Waits for a token of the global cloud call budget. */
  throttle: () => Promise<void>;
  isConflict: (err: unknown) => boolean;
  /** 404 from the API server: the resource is gone, nothing left to do. */
  isNotFound: (err: unknown) => boolean;
  now: () => number;
  random: () => number;
  dryRun: boolean;
  recoveryWindowMs: number;
  logger: Logger;
  metrics?: OperatorMetrics;
}

interface KeyMemory {
  lastPolled: Map<string, number>;
  /** When each task's poll was last brought forward because more Nodes appeared. */
  pulledForward: Map<string, number>;
  /** Learned from a "cluster busy" refusal (re-learned after a restart, at the cost of one refusal). */
  oneTaskAtATime: boolean;
  /** Matching Nodes seen last time: more now means a task may have delivered, so poll at once. */
  nodeCount: number;
}

/** Makes every task's poll due now, unless it was already brought forward recently (EARLY_POLL_MIN_GAP_MS). */
function bringPollsForward(memory: KeyMemory, sc: SandboxCapacity, nowMs: number): void {
  for (const task of sc.status?.tasks ?? []) {
    if (task.taskId === undefined || nowMs - (memory.pulledForward.get(task.taskId) ?? -Infinity) < EARLY_POLL_MIN_GAP_MS) continue;
    // Polled "at the epoch": due now, whether or not this process has polled it before.
    memory.lastPolled.set(task.taskId, 0);
    memory.pulledForward.set(task.taskId, nowMs);
  }
}

/** Dry run promises to log what it would request: once per change, when the core plans its DryRun Event. */
function logDryRun(events: readonly PlannedEvent[], decision: Decision, logger: Logger): void {
  for (const event of events) {
    if (event.reason !== EventReason.DryRun) continue;
    logger.info('dry run: would call ScaleOutCluster', { count: decision.status.lastDecision?.count, decision: event.message });
  }
}

export class Reconciler {
  private readonly freshest = new FreshestObjects();
  private readonly memory = new Map<string, KeyMemory>();

  constructor(private readonly deps: ReconcilerDeps) {}

  async reconcile(key: string): Promise<WorkResult> {
    const cached = this.deps.getCapacity(key);
    if (!cached) {
      this.forget(key);
      return {};
    }
    const sc = this.freshest.pick(key, cached);
    const logger = this.deps.logger.child({ resource: key, reconcileId: randomUUID().slice(0, 8) });
    const started = process.hrtime.bigint();
    try {
      return await this.reconcileResource(key, sc, logger);
    } catch (err) {
      if (this.deps.isConflict(err)) {
        logger.debug('status write conflicted with a newer object; requeueing');
        this.deps.metrics?.reconcileErrors.labels('conflict').inc();
        return { requeue: true };
      }
      if (this.deps.isNotFound(err)) {
        logger.debug('resource deleted while reconciling');
        return {};
      }
      this.deps.metrics?.reconcileErrors.labels('kubernetes').inc();
      throw err;
    } finally {
      this.deps.metrics?.reconcileDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private memoryOf(key: string): KeyMemory {
    let m = this.memory.get(key);
    if (!m) {
      m = { lastPolled: new Map(), pulledForward: new Map(), oneTaskAtATime: false, nodeCount: 0 };
      this.memory.set(key, m);
    }
    return m;
  }

  private forget(key: string): void {
    this.freshest.forget(key);
    this.memory.delete(key);
  }

  private observedNodes(sc: SandboxCapacity): ObservedNode[] {
    return this.deps.listNodes()
      .filter((n) => matchesSelector(sc.spec.nodeSelector, n.metadata?.labels ?? {}))
      .map((n) => toObservedNode(n, sc.spec.zoneLabel));
  }

  /** Learned vSwitch zones travel in status.vswitchZones, so nothing zone-related is kept in memory. */
  private plan(sc: SandboxCapacity, nodes: ObservedNode[], blocked?: Blocked): Decision {
    const oneTaskAtATime = this.memory.get(objectKey(sc))?.oneTaskAtATime === true;
    return plan({ capacity: sc, nodes, now: this.deps.now(), random: this.deps.random, dryRun: this.deps.dryRun, oneTaskAtATime, ...(blocked ? { blocked } : {}) });
  }

  private async cloudFor(sc: SandboxCapacity, secrets: SecretReader): Promise<{ api: AckApi } | { blocked: Blocked }> {
    const source = await resolveCredentialSource(secrets, sc);
    if (!source.ok) return { blocked: { reason: source.reason, message: source.message } };
    return { api: this.deps.cloud(sc.spec.regionId, source.value) };
  }

  private async reconcileResource(key: string, initial: SandboxCapacity, logger: Logger): Promise<WorkResult> {
    const memory = this.memoryOf(key);
    const nodes = this.observedNodes(initial);
    if (nodes.length > memory.nodeCount) bringPollsForward(memory, initial, this.deps.now());
    memory.nodeCount = nodes.length;
    let sc = initial;
    let decision = this.plan(sc, nodes);
    const events: PlannedEvent[] = [];
    const secrets = readEachSecretOnce(this.deps.secrets);
    if (needsCloud(sc, decision, memory.lastPolled, this.deps.now())) {
      const cloud = await this.cloudFor(sc, secrets);
      if ('blocked' in cloud) {
        decision = this.plan(sc, nodes, cloud.blocked);
      } else {
        const followed = await followCloud(sc, decision, { ...this.deps, api: cloud.api, logger, lastPolled: memory.lastPolled });
        sc = followed.capacity;
        events.push(...followed.events);
        decision = this.plan(sc, nodes, followed.blocked);
      }
    }
    // Writes go against `initial` (the server's status and resourceVersion), never against the
    // folded copy, so an unchanged status is not mistaken for a written one.
    const written = decision.scaleOut
      ? await this.scaleOut({ base: initial, sc, decision, nodes, logger, secrets })
      : { capacity: await this.deps.store.write(initial, decision.status), events: decision.events };
    if (written === 'notLeader') return { requeue: true };
    this.freshest.remember(key, initial, written.capacity);
    events.push(...written.events);
    logDryRun(events, decision, logger);
    await recordAll(this.deps.events, written.capacity, events);
    if (this.deps.metrics) updateResourceMetrics(this.deps.metrics, written.capacity);
    this.updateMemory(memory, written.capacity);
    const pollIn = nextPollInMs(written.capacity.status?.tasks ?? [], memory.lastPolled, this.deps.now());
    const requeueAfterMs = pollIn === undefined ? decision.requeueAfterMs : Math.min(pollIn, decision.requeueAfterMs ?? pollIn);
    return requeueAfterMs === undefined ? {} : { requeueAfterMs };
  }

  private async scaleOut(
    { base, sc, decision, nodes, logger, secrets }: { base: SandboxCapacity; sc: SandboxCapacity; decision: Decision; nodes: ObservedNode[]; logger: Logger; secrets: SecretReader },
  ): Promise<{ capacity: SandboxCapacity; events: PlannedEvent[] } | 'notLeader'> {
    // Lease lost just now: leave everything to the new leader, write nothing.
    if (!this.deps.isLeaderNow()) return 'notLeader';
    const [cloud, password] = await Promise.all([this.cloudFor(sc, secrets), resolveLoginPassword(secrets, sc)]);
    const blocked = 'blocked' in cloud ? cloud.blocked : !password.ok ? { reason: password.reason, message: password.message } : undefined;
    if (blocked || 'blocked' in cloud) {
      const held = this.plan(sc, nodes, blocked);
      return { capacity: await this.deps.store.write(base, held.status), events: held.events };
    }
    const loginPassword = password.ok ? password.value : undefined;
    return executeScaleOut(base, decision, { ...this.deps, api: cloud.api, logger, ...(loginPassword !== undefined ? { loginPassword } : {}) });
  }

  /** After the write: learn from a "cluster busy" refusal, forget polls of tasks no longer live. */
  private updateMemory(memory: KeyMemory, sc: SandboxCapacity): void {
    if (refusedWhileOwnTaskRuns(sc.status)) memory.oneTaskAtATime = true;
    const live = new Set((sc.status?.tasks ?? []).flatMap((t) => (t.taskId ? [t.taskId] : [])));
    for (const polls of [memory.lastPolled, memory.pulledForward]) for (const id of polls.keys()) if (!live.has(id)) polls.delete(id);
  }
}
