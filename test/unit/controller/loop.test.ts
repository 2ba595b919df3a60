// The core driven the way the reconciler drives it, against a tiny scripted cloud, with a fake clock:
// plan → persist intent → call → fold outcome; poll tasks → fold; recover unknown intents → fold.
import { expect } from 'chai';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import type { CloudErrorInfo } from '../../../src/cloud/ack-api.js';
import { INTENT_RECOVERY_WINDOW_MS, recoverIntent, type ClusterTask } from '../../../src/controller/core/recovery.js';
import { INTENT_TAG_KEY } from '../../../src/api/sandbox-capacity.js';
import { plan } from '../../../src/controller/core/plan.js';
import { recordScaleOutAccepted, recordScaleOutFailed, foldTaskInfo, type TaskInfo } from '../../../src/controller/core/outcomes.js';
import type { ObservedNode, PlannedEvent } from '../../../src/controller/core/types.js';
import { SECOND, T0, capacity, conditionOf, constantRandom, iso, node } from './helpers.js';

type CallResult = { ok: true } | { ok: false; error: CloudErrorInfo; reachedAck?: boolean };

interface CloudTask {
  id: string;
  count: number;
  intentId: string;
  created: number;
  /** How many nodes this task delivers. */
  deliver: number;
  doneAt: number;
}

/** A scripted ACK: tasks finish after `taskDurationMs`; their instances join as Nodes at once. */
class World {
  now = T0;
  nodes: ObservedNode[] = [];
  tasks: CloudTask[] = [];
  calls: { at: number; count: number; vswitch: string }[] = [];
  events: PlannedEvent[] = [];
  script: CallResult[] = [];
  deliverRatio = 1;
  taskDurationMs = 60 * SECOND;
  constructor(public resource: SandboxCapacity) {}

  call(count: number, vswitch: string, intentId: string): CallResult & { taskId?: string } {
    this.calls.push({ at: this.now, count, vswitch });
    const result = this.script.shift() ?? { ok: true };
    if (!result.ok && result.reachedAck !== true) return result;
    const id = `T-${this.tasks.length + 1}`;
    this.tasks.push({ id, count, intentId, created: this.now, deliver: Math.floor(count * this.deliverRatio), doneAt: this.now + this.taskDurationMs });
    return result.ok ? { ok: true, taskId: id } : result;
  }

  info(taskId: string): TaskInfo {
    const task = this.tasks.find((t) => t.id === taskId);
    if (task === undefined || this.now < task.doneAt) return { state: 'running' };
    const ids = Array.from({ length: task.deliver }, (_, i) => `i-${task.id}-${i}`);
    for (const id of ids) if (!this.nodes.some((n) => n.instanceId === id)) this.nodes.push(node(id, { instanceId: id }));
    return { state: task.deliver === task.count ? 'success' : 'fail', taskResult: ids.map((id) => ({ data: id, status: 'success' })) };
  }

  clusterTasks(): ClusterTask[] {
    return this.tasks.map((t) => ({
      taskId: t.id,
      taskType: 'cluster_scaleout',
      created: iso(Math.floor(t.created / 1000) * 1000),
      parameters: { count: t.count, tags: [{ key: INTENT_TAG_KEY, value: t.intentId }] },
    }));
  }

  private apply(outcome: { status: SandboxCapacity['status']; events: PlannedEvent[] }): void {
    this.resource = { ...this.resource, ...(outcome.status === undefined ? {} : { status: outcome.status }) };
    this.events.push(...outcome.events);
  }

  /** Steps 2 and 3 of a reconcile: poll running tasks, recover intents whose outcome is unknown. */
  private refresh(random: () => number): void {
    for (const record of this.resource.status?.tasks ?? []) {
      if ((record.state === 'Running' || record.state === 'TimedOut') && record.taskId !== undefined) {
        this.apply(foldTaskInfo(this.resource, record.taskId, this.info(record.taskId), this.now, random));
      }
      if (record.state === 'Requesting') this.apply(recoverIntent(this.resource, record.intentId, this.clusterTasks(), this.now, { random }));
    }
  }

  /** One reconcile, as the shell will do it. `crashAfterCall` drops everything after the cloud call. */
  reconcile(options: { crashAfterCall?: boolean } = {}): void {
    const random = constantRandom(0.5);
    this.refresh(random);
    const decision = plan({ capacity: this.resource, nodes: this.nodes, now: this.now, random });
    this.apply(decision);
    const request = decision.request;
    if (request === undefined) return;
    const result = this.call(request.count, request.vswitchIds[0] ?? '', request.intentId);
    if (options.crashAfterCall === true) return;
    if (result.ok) this.apply(recordScaleOutAccepted(this.resource, request.intentId, { taskId: result.taskId ?? '' }, this.now));
    else this.apply(recordScaleOutFailed(this.resource, request.intentId, result.error, this.now, random));
  }

  runFor(durationMs: number, stepMs = 5 * SECOND): void {
    const end = this.now + durationMs;
    while (this.now < end) {
      this.reconcile();
      this.now += stepMs;
    }
  }
}

const refused = (error: CloudErrorInfo): CallResult => ({ ok: false, error });
const transient: CloudErrorInfo = { kind: 'transient', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' };

describe('controller/core driven like the reconciler', () => {
  it('replicas 3 on an empty cluster: exactly one request, nodes join, Ready, no further calls', () => {
    const world = new World(capacity());
    world.runFor(10 * 60 * SECOND);
    expect(world.calls.map((c) => c.count)).to.deep.equal([3]);
    expect(world.resource.status).to.include({ replicas: 3, inFlightReplicas: 0, consecutiveFailures: 0 });
    expect(conditionOf(world.resource.status ?? {}, 'Ready').status).to.equal('True');
    expect(world.events.map((e) => e.reason)).to.deep.equal(['ScaleOutRequested', 'ScaleOutSucceeded']);
  });

  it('a large shortfall is split and never exceeds the in-flight limit', () => {
    const world = new World(capacity({ spec: { replicas: 50 } }));
    world.runFor(10 * 60 * SECOND);
    expect(world.calls.map((c) => c.count)).to.deep.equal([20, 20, 10]);
    expect(world.calls[2]?.at).to.be.greaterThanOrEqual(T0 + 60 * SECOND);
    expect(world.resource.status?.replicas).to.equal(50);
  });

  it('a partial failure is retried after backoff for only the missing nodes', () => {
    const world = new World(capacity({ spec: { replicas: 5 } }));
    world.deliverRatio = 0.4;
    world.reconcile();
    world.deliverRatio = 1;
    world.runFor(10 * 60 * SECOND);
    expect(world.calls.map((c) => c.count)).to.deep.equal([5, 3]);
    expect(world.resource.status?.replicas).to.equal(5);
    expect(world.resource.status?.consecutiveFailures).to.equal(0);
  });

  it('a storm of refusals: calls are spaced by the backoff schedule, then it converges', () => {
    const world = new World(capacity());
    world.script = Array.from({ length: 6 }, () => refused(transient));
    world.runFor(20 * 60 * SECOND, SECOND);
    const gaps = world.calls.slice(1).map((c, i) => (c.at - (world.calls[i]?.at ?? 0)) / SECOND);
    expect(gaps).to.deep.equal([10, 15, 25, 45, 85, 165]);
    expect(world.calls).to.have.length(7);
    expect(world.resource.status?.replicas).to.equal(3);
  });

  it('killed right after the call (before recording the task id): the restart adopts the task, requests nothing twice', () => {
    const world = new World(capacity());
    world.reconcile({ crashAfterCall: true });
    expect(world.resource.status?.tasks?.[0]?.state).to.equal('Requesting');
    world.now += 30 * SECOND;
    world.runFor(10 * 60 * SECOND);
    expect(world.calls).to.have.length(1);
    expect(world.events.map((e) => e.reason)).to.include('TaskAdopted');
    expect(world.resource.status?.replicas).to.equal(3);
  });

  it('a timed-out call that never reached ACK: abandoned after the window, then requested again after backoff', () => {
    const world = new World(capacity());
    world.script = [{ ok: false, error: { kind: 'unknownOutcome', code: 'ReadTimeout', message: 'ReadTimeout(3000)' } }];
    world.runFor(10 * 60 * SECOND);
    expect(world.calls).to.have.length(2);
    expect(world.calls[1]?.at).to.be.greaterThanOrEqual(T0 + INTENT_RECOVERY_WINDOW_MS + 10 * SECOND);
    expect(world.events.map((e) => e.reason)).to.include('IntentAbandoned');
    expect(world.resource.status?.replicas).to.equal(3);
  });

  it('a timed-out call that did reach ACK is adopted, not repeated', () => {
    const world = new World(capacity());
    world.script = [{ ok: false, error: { kind: 'unknownOutcome', code: 'ReadTimeout', message: 'ReadTimeout(3000)' }, reachedAck: true }];
    world.runFor(10 * 60 * SECOND);
    expect(world.calls).to.have.length(1);
    expect(world.resource.status?.replicas).to.equal(3);
  });

  it('an invalid request stalls without a hot loop: one call per backoff.max', () => {
    const world = new World(capacity());
    world.script = Array.from({ length: 10 }, () => refused({ kind: 'invalidRequest', code: 'InvalidParameter.InstanceType', message: 'bad instance type' }));
    world.runFor(25 * 60 * SECOND);
    expect(world.calls).to.have.length(3);
    expect(conditionOf(world.resource.status ?? {}, 'Stalled')).to.include({ status: 'True', reason: 'InvalidRequest' });
    // one Stalled event per refused attempt, none from the reconciles in between
    expect(world.events.filter((e) => e.reason === 'Stalled')).to.have.length(3);
  });
});
