// A small, exact model of everything the core deals with, for property-based tests: ACK (tasks that
// create instances, answers that are given, lost or refused, zones out of stock), Kubernetes (instances
// that join, join late, never join, join under labels the selector does not pick, or are released),
// the API server (the status as last written; a crash loses everything else), and humans (who delete
// and re-apply the resource, or fix a selector). One `reconcile` drives the pure core exactly as the
// shell does: due reads → folds → plan once → intent written → call → answer folded → written.
import type { SandboxCapacity, SandboxCapacityStatus } from '../../../../src/api/sandbox-capacity.js';
import { INTENT_TAG_KEY, OWNER_TAG_KEY } from '../../../../src/api/sandbox-capacity.js';
import type { CloudErrorInfo } from '../../../../src/cloud/ack-api.js';
import {
  adoptOwnTasks, classifyAckTaskState, dueCloudWork, foldTaskInfo, foldUnjoinedLookups, plan, recoverIntent, recordScaleOutAccepted, recordScaleOutFailed,
  withCurrentSpellings, type ClusterTask, type Decision, type ObservedNode, type OwnTaskCandidate, type TaskInfo, type UnjoinedLookup,
} from '../../../../src/controller/core/index.js';

export type Join = 'joins' | 'late' | 'never' | 'mismatch';
export type Answer = 'answered' | 'lost-created' | 'lost-not-created' | 'refused-transient' | 'refused-busy' | 'refused-stock';

export interface Instance {
  id: string;
  zone: string;
  join: Join;
  /** When it becomes a Node (if it ever does). */
  joinsAtMs: number;
  released: boolean;
  /** The node's labels were fixed by a human (a mismatching node then matches). */
  fixed: boolean;
}

export interface AckTask {
  id: string;
  count: number;
  vswitch: string;
  intentId: string;
  owner: string;
  createdMs: number;
  doneAtMs: number;
  /** Instances the task delivers (fewer than count: the rest failed). */
  instances: Instance[];
}

/** What happened, for the invariants. */
export interface Ledger {
  /** Every ScaleOutCluster call: when, and whether another request's outcome was unknown then. */
  calls: { atMs: number; count: number; vswitch: string; otherUnknown: boolean }[];
  failedInstances: number;
  releasedInstances: number;
}

const ZONES: Record<string, string> = { 'vsw-a': 'zone-a', 'vsw-b': 'zone-b' };

export class World {
  nowMs: number;
  /** The resource as the API server has it (undefined while deleted). */
  stored: SandboxCapacity | undefined;
  readonly tasks: AckTask[] = [];
  readonly ledger: Ledger = { calls: [], failedInstances: 0, releasedInstances: 0 };
  /** Answers of the next calls, in order; then 'answered'. */
  answers: Answer[] = [];
  /** How the next instances join, in order; then 'joins'. */
  joins: Join[] = [];
  /** Share of each task's nodes that fail, in order; then 0. */
  failures: number[] = [];
  outOfStock = new Set<string>();
  private seq = 0;
  private lastPolled = new Map<string, number>();
  private unjoinedCheckedAt: number | undefined;

  constructor(readonly template: SandboxCapacity, startMs: number) {
    this.nowMs = startMs;
    this.stored = structuredClone(template);
  }

  /** Nodes the resource counts now: joined, not released, matching (or fixed). */
  nodes(): ObservedNode[] {
    return this.tasks.flatMap((t) => t.instances)
      .filter((i) => !i.released && i.join !== 'never' && this.nowMs >= i.joinsAtMs && (i.join !== 'mismatch' || i.fixed))
      .map((i) => ({ name: i.id, instanceId: i.id, zone: i.zone, ready: true, deleting: false }));
  }

  liveInstances(): number {
    return this.tasks.flatMap((t) => t.instances).filter((i) => !i.released).length;
  }

  /** A process restart: everything in memory is gone. */
  crash(): void {
    this.lastPolled = new Map();
    this.unjoinedCheckedAt = undefined;
  }

  /** Deleted (its finalizer released, or abandoned) and applied again: the status is gone, ACK's tasks are not. */
  recreate(): void {
    this.stored = structuredClone(this.template);
    this.crash();
  }

  fixLabels(): void {
    for (const i of this.tasks.flatMap((t) => t.instances)) i.fixed = true;
  }

  releaseUnjoined(): void {
    const node = new Set(this.nodes().map((n) => n.instanceId));
    const victim = this.tasks.flatMap((t) => t.instances).find((i) => !i.released && !node.has(i.id) && this.nowMs >= i.joinsAtMs);
    if (victim === undefined) return;
    victim.released = true;
    this.ledger.releasedInstances += 1;
  }

  /** One reconcile; `crashAt` cuts it after that step (the status as last written survives). */
  reconcile(random: () => number, crashAt?: 'after-intent' | 'after-call'): Decision | undefined {
    if (this.stored === undefined) return undefined;
    const base = withCurrentSpellings(this.stored);
    const nodes = this.nodes();
    const folded = this.refresh(base, nodes, random);
    const decision = plan({ capacity: folded, nodes, now: this.nowMs, random, oneTaskAtATime: false });
    this.stored = { ...base, status: decision.status };
    const request = decision.request;
    if (request === undefined) return decision;
    if (crashAt === 'after-intent') return decision;
    // What the API server holds when the call goes out: any Requesting record but this intent's is a
    // request whose outcome is still unknown.
    const otherUnknown = (decision.status.tasks ?? []).some((t) => t.state === 'Requesting' && t.intentId !== request.intentId);
    this.ledger.calls.push({ atMs: this.nowMs, count: request.count, vswitch: request.vswitchIds[0] ?? '', otherUnknown });
    const outcome = this.call(request.count, request.vswitchIds[0] ?? '', request.intentId, request.ownerTag.value);
    if (crashAt === 'after-call') return decision;
    const written = this.stored;
    const status = outcome.ok
      ? recordScaleOutAccepted(written, request.intentId, { taskId: outcome.taskId }, this.nowMs).status
      : recordScaleOutFailed(written, request.intentId, outcome.error, this.nowMs, random).status;
    this.stored = { ...written, status };
    return decision;
  }

  private refresh(sc: SandboxCapacity, nodes: readonly ObservedNode[], random: () => number): SandboxCapacity {
    const work = dueCloudWork(sc, nodes, { lastPolled: this.lastPolled, ...(this.unjoinedCheckedAt === undefined ? {} : { unjoinedCheckedAt: this.unjoinedCheckedAt }) }, this.nowMs);
    let capacity = sc;
    const fold = (status: SandboxCapacityStatus): void => { capacity = { ...capacity, status }; };
    for (const taskId of work.pollTaskIds) {
      this.lastPolled.set(taskId, this.nowMs);
      fold(foldTaskInfo(capacity, taskId, this.info(taskId), this.nowMs, random).status);
    }
    for (const intentId of work.recoverIntentIds) fold(recoverIntent(capacity, intentId, this.clusterTasks(), this.nowMs, { random, windowMs: 15_000 }).status);
    if (work.firstLook) fold(adoptOwnTasks(capacity, this.candidates(), this.nowMs).status);
    if (work.unjoinedInstanceIds.length > 0) {
      this.unjoinedCheckedAt = this.nowMs;
      fold(foldUnjoinedLookups(capacity, work.unjoinedInstanceIds.map((id) => this.lookup(id))).status);
    }
    return capacity;
  }

  private call(count: number, vswitch: string, intentId: string, owner: string): { ok: true; taskId: string } | { ok: false; error: CloudErrorInfo } {
    const answer = this.answers.shift() ?? 'answered';
    if (this.outOfStock.has(vswitch)) return { ok: false, error: { kind: 'capacity', code: 'OperationDenied.NoStock', message: 'sold out' } };
    if (answer === 'refused-transient') return { ok: false, error: { kind: 'transient', code: 'ECONNREFUSED', message: 'refused' } };
    if (answer === 'refused-busy') return { ok: false, error: { kind: 'clusterBusy', code: 'InvalidStatus.Forbidden', message: 'busy' } };
    if (answer === 'refused-stock') return { ok: false, error: { kind: 'capacity', code: 'OperationDenied.NoStock', message: 'sold out' } };
    if (answer === 'lost-not-created') return { ok: false, error: { kind: 'unknownOutcome', code: 'ReadTimeout', message: 'timeout' } };
    const task = this.create(count, vswitch, intentId, owner);
    if (answer === 'lost-created') return { ok: false, error: { kind: 'unknownOutcome', code: 'ReadTimeout', message: 'timeout' } };
    return { ok: true, taskId: task.id };
  }

  private create(count: number, vswitch: string, intentId: string, owner: string): AckTask {
    const fail = this.failures.shift() ?? 0;
    const delivered = count - Math.min(count, Math.round(count * fail));
    this.ledger.failedInstances += count - delivered;
    const doneAtMs = this.nowMs + 60_000;
    const instances = Array.from({ length: delivered }, (): Instance => {
      const join = this.joins.shift() ?? 'joins';
      this.seq += 1;
      return { id: `i-${this.seq}`, zone: ZONES[vswitch] ?? 'zone-a', join, joinsAtMs: doneAtMs + (join === 'late' ? 15 * 60_000 : 20_000), released: false, fixed: false };
    });
    const task: AckTask = { id: `T-${this.tasks.length + 1}`, count, vswitch, intentId, owner, createdMs: this.nowMs, doneAtMs, instances };
    this.tasks.push(task);
    return task;
  }

  private info(taskId: string): TaskInfo {
    const task = this.tasks.find((t) => t.id === taskId);
    if (task === undefined || this.nowMs < task.doneAtMs) return { state: 'running' };
    const ok = task.instances.map((i) => ({ data: i.id, status: 'success' }));
    return task.instances.length === task.count ? { state: 'success', taskResult: ok } : { state: 'fail', taskResult: ok, error: { code: 'InstanceCreateFailed', message: 'failed' } };
  }

  private clusterTasks(): ClusterTask[] {
    return this.tasks.map((t) => ({
      taskId: t.id, taskType: 'cluster_scaleout', created: new Date(Math.floor(t.createdMs / 1000) * 1000).toISOString(),
      parameters: { count: t.count, vswitch_ids: [t.vswitch], tags: [{ key: INTENT_TAG_KEY, value: t.intentId }, { key: OWNER_TAG_KEY, value: t.owner }] },
    }));
  }

  private candidates(): OwnTaskCandidate[] {
    return this.clusterTasks().map((t) => {
      const info = this.info(t.taskId);
      return classifyAckTaskState(info.state) === 'running' ? t : { ...t, result: info };
    });
  }

  private lookup(instanceId: string): UnjoinedLookup {
    const instance = this.tasks.flatMap((t) => t.instances).find((i) => i.id === instanceId);
    if (instance === undefined || instance.released) return { instanceId, inAck: false };
    if (instance.join === 'never') return { instanceId, inAck: true, ackState: 'running', nodeName: `node-${instanceId}`, node: 'absent' };
    return { instanceId, inAck: true, ackState: 'running', nodeName: `node-${instanceId}`, node: { labels: instance.join === 'mismatch' && !instance.fixed ? { team: 'other' } : {} } };
  }
}
