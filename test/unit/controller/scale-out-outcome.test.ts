import { expect } from 'chai';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import type { CloudErrorInfo } from '../../../src/cloud/ack-api.js';
import { EventReason, Reason } from '../../../src/controller/core/reasons.js';
import { refusedWhileOwnTaskRuns } from '../../../src/controller/core/scale-out-cluster.js';
import { recordScaleOutAccepted, recordScaleOutFailed } from '../../../src/controller/core/outcomes.js';
import { dueCloudWork, POLL_RUNNING_MS } from '../../../src/controller/core/schedule.js';
import { SECOND, T0, capacity, conditionOf, constantRandom, iso, nodes, planAt, withStatus } from './helpers.js';

/** A resource whose status holds a fresh intent, as the plan wrote it before the call. */
function afterIntent(): { resource: SandboxCapacity; intentId: string } {
  const resource = capacity();
  const decision = planAt(resource, [], T0);
  const intentId = decision.request?.intentId;
  if (intentId === undefined) throw new Error('expected a scale-out');
  return { resource: withStatus(resource, decision.status), intentId };
}

const error = (kind: CloudErrorInfo['kind'], code: string, message: string, extra: Partial<CloudErrorInfo> = {}): CloudErrorInfo => ({ kind, code, message, ...extra });

describe('controller/core scale-out outcome', () => {
  it('accepted: record running with task and request ids, ScaleOutRequested, Ready says ScalingOut', () => {
    const { resource, intentId } = afterIntent();
    const outcome = recordScaleOutAccepted(resource, intentId, { taskId: 'T-5a54', requestId: 'REQ-1' }, T0 + SECOND);
    expect(outcome.status.tasks?.[0]).to.include({ state: 'Running', taskId: 'T-5a54', requestId: 'REQ-1', intentId });
    expect(outcome.events).to.have.length(1);
    expect(outcome.events[0]).to.include({ type: 'Normal', reason: EventReason.ScaleOutRequested });
    expect(outcome.events[0]?.message).to.contain('3 nodes').and.contain('T-5a54');
    expect(conditionOf(outcome.status, 'Ready')).to.include({ status: 'False', reason: Reason.ScalingOut });
    expect(conditionOf(outcome.status, 'Ready').message).to.contain('T-5a54');
    expect(outcome.status.inFlightReplicas).to.equal(3);
  });

  it('accepted twice (or for an unknown intent) changes nothing', () => {
    const { resource, intentId } = afterIntent();
    const first = recordScaleOutAccepted(resource, intentId, { taskId: 'T-1' }, T0);
    const second = recordScaleOutAccepted(withStatus(resource, first.status), intentId, { taskId: 'T-2' }, T0);
    expect(second.events).to.deep.equal([]);
    expect(second.status.tasks?.[0]?.taskId).to.equal('T-1');
    expect(recordScaleOutAccepted(resource, 'sbc-nope', { taskId: 'T-3' }, T0).status).to.equal(resource.status);
  });

  it('after acceptance the next plan polls the task and requests nothing more', () => {
    const { resource, intentId } = afterIntent();
    const accepted = recordScaleOutAccepted(resource, intentId, { taskId: 'T-1' }, T0);
    const next = planAt(withStatus(resource, accepted.status), [], T0 + 2 * SECOND);
    expect(next.request).to.equal(undefined);
    expect(dueCloudWork({ ...capacity(), status: next.status }, [], { lastPolled: new Map() }, T0 + POLL_RUNNING_MS).pollTaskIds).to.deep.equal(['T-1']);
    expect(next.events).to.deep.equal([]);
  });

  describe('definite refusals', () => {
    it('throttled: Refused record (nothing created, nothing failed), backoff honouring retry-after, ScaleOutFailed + BackingOff', () => {
      const { resource, intentId } = afterIntent();
      const outcome = recordScaleOutFailed(resource, intentId, error('throttled', 'Throttling.User', 'Request was denied due to user flow control.', { retryAfterMs: 30 * SECOND }), T0, constantRandom(0));
      expect(outcome.status.tasks?.[0]).to.include({ state: 'Refused', completionTime: iso(T0) });
      expect(outcome.status.tasks?.[0]).to.not.have.any.keys('failedCount', 'instanceIds');
      expect(outcome.status.inFlightReplicas).to.equal(0);
      expect(outcome.status.consecutiveFailures).to.equal(1);
      expect(outcome.status.nextRetryTime).to.equal(iso(T0 + 30 * SECOND));
      expect(outcome.events.map((e) => e.reason)).to.deep.equal([EventReason.ScaleOutFailed, EventReason.BackingOff]);
      expect(outcome.events[1]?.message).to.equal('waiting 30s before retrying after Throttling.User');
      expect(conditionOf(outcome.status, 'Reconciling')).to.include({ status: 'True', reason: Reason.BackingOff });
    });

    it('the next plan keeps the very same condition message (no churn) and waits until nextRetryTime', () => {
      const { resource, intentId } = afterIntent();
      const outcome = recordScaleOutFailed(resource, intentId, error('transient', 'ECONNREFUSED', 'connect ECONNREFUSED'), T0, constantRandom(0));
      const waiting = planAt(withStatus(resource, outcome.status), [], T0 + 5 * SECOND);
      expect(waiting.request).to.equal(undefined);
      expect(waiting.events).to.deep.equal([]);
      expect(conditionOf(waiting.status, 'Reconciling')).to.deep.equal(conditionOf(outcome.status, 'Reconciling'));
      expect(waiting.requeueAfterMs).to.equal(5 * SECOND);
      const retry = planAt(withStatus(resource, waiting.status), [], T0 + 10 * SECOND);
      expect(retry.request?.count).to.equal(3);
    });

    it('capacity (NoStock): backoff and a ScaleOutFailed event naming the code', () => {
      const { resource, intentId } = afterIntent();
      const outcome = recordScaleOutFailed(resource, intentId, error('capacity', 'OperationDenied.NoStock', 'no stock'), T0, constantRandom(0));
      expect(outcome.events[0]).to.include({ type: 'Warning', reason: EventReason.ScaleOutFailed });
      expect(outcome.events[0]?.message).to.contain('OperationDenied.NoStock');
      expect(outcome.status.consecutiveFailures).to.equal(1);
    });

    const stalls: [CloudErrorInfo['kind'], string, string][] = [
      ['quota', 'QuotaExceeded.Nodes', Reason.QuotaExceeded],
      ['invalidRequest', 'InvalidParameter.InstanceType', Reason.InvalidRequest],
      ['permission', 'ErrorCheckAcl', Reason.PermissionDenied],
      ['auth', 'SignatureDoesNotMatch', Reason.AuthenticationFailed],
      ['notFound', 'ErrorClusterNotFound', Reason.ClusterNotFound],
    ];
    for (const [kind, code, reason] of stalls) {
      it(`${kind} (${code}): Stalled with ACK's code and message, retry only after backoff.max`, () => {
        const { resource, intentId } = afterIntent();
        const outcome = recordScaleOutFailed(resource, intentId, error(kind, code, 'ACK says no'), T0, constantRandom(0.5));
        const stalled = conditionOf(outcome.status, 'Stalled');
        expect(stalled).to.include({ status: 'True', reason });
        expect(stalled.message).to.contain(code).and.contain('ACK says no');
        expect(outcome.status.nextRetryTime).to.equal(iso(T0 + 600 * SECOND));
        expect(outcome.events.map((e) => e.reason)).to.deep.equal([EventReason.ScaleOutFailed, EventReason.Stalled]);
        expect(conditionOf(outcome.status, 'Reconciling').status).to.equal('False');
        expect(outcome.status.lastDecision).to.include({ action: 'Blocked', reason });
      });
    }

    it('cluster busy: not a failure, waits initial..2·initial, reason ClusterBusy kept by the next plan', () => {
      const { resource, intentId } = afterIntent();
      const outcome = recordScaleOutFailed(resource, intentId, error('clusterBusy', 'InvalidStatus.Forbidden', 'cannot operate cluster where state is scaling'), T0, constantRandom(0.5));
      expect(outcome.status.consecutiveFailures).to.equal(0);
      expect(outcome.status.nextRetryTime).to.equal(iso(T0 + 15 * SECOND));
      expect(outcome.events.map((e) => e.reason)).to.deep.equal([EventReason.BackingOff]);
      const next = planAt(withStatus(resource, outcome.status), [], T0 + SECOND);
      expect(next.status.lastDecision).to.include({ action: 'Wait', reason: Reason.ClusterBusy });
      expect(conditionOf(next.status, 'Reconciling')).to.deep.equal(conditionOf(outcome.status, 'Reconciling'));
    });
  });

  /** 30 wanted, 20 requested and accepted (T-first), the remaining 10 refused as cluster busy. */
  function refusedWhileFirstRuns(): { resource: SandboxCapacity; refused: ReturnType<typeof recordScaleOutFailed> } {
    const resource = capacity({ spec: { replicas: 30 } });
    const first = planAt(resource, [], T0);
    expect(first.request?.count).to.equal(20);
    const accepted = recordScaleOutAccepted(withStatus(resource, first.status), first.request?.intentId ?? '', { taskId: 'T-first' }, T0 + SECOND);
    const second = planAt(withStatus(resource, accepted.status), [], T0 + 2 * SECOND);
    expect(second.request?.count).to.equal(10);
    const refused = recordScaleOutFailed(withStatus(resource, second.status), second.request?.intentId ?? '',
      error('clusterBusy', 'InvalidStatus.Forbidden', 'cannot operate cluster where state is scaling'), T0 + 3 * SECOND, constantRandom(0.5));
    return { resource, refused };
  }

  it('cluster busy while our own task runs: status, Event and behaviour agree — nothing failed, no timer, wait for that task', () => {
    const { refused } = refusedWhileFirstRuns();
    expect(refused.status.tasks?.[0]).to.include({ state: 'Refused', count: 10 }).and.not.have.any.keys('failedCount');
    expect(refused.status.consecutiveFailures ?? 0).to.equal(0);
    expect(refused.status.nextRetryTime ?? null).to.equal(null);
    expect(refused.events.map((e) => e.reason)).to.deep.equal([EventReason.BackingOff]);
    expect(refused.events[0]?.message).to.contain('T-first').and.contain('next request when it ends').and.not.match(/waiting \d/);
    expect(refused.status.lastDecision).to.include({ action: 'Wait', reason: Reason.ClusterBusy });
  });

  it('cluster busy while our own task runs: the next request waits for that task to end, then goes at once', () => {
    const { resource, refused } = refusedWhileFirstRuns();
    // A minute later, T-first still running: still waiting, saying why, with the same message (no churn).
    const held = planAt(withStatus(resource, refused.status), [], T0 + 60 * SECOND);
    expect(held.request).to.equal(undefined);
    expect(held.status.lastDecision).to.include({ action: 'Wait', reason: Reason.ClusterBusy });
    expect(held.status.lastDecision?.message).to.contain('T-first').and.contain('InvalidStatus.Forbidden');
    expect(conditionOf(held.status, 'Reconciling')).to.deep.equal(conditionOf(refused.status, 'Reconciling'));
    // T-first ended and its 20 nodes joined: the remaining 10 are requested at once.
    const ended = structuredClone(refused.status);
    for (const task of ended.tasks ?? []) {
      if (task.taskId !== 'T-first') continue;
      Object.assign(task, { state: 'Succeeded', completionTime: iso(T0 + 60 * SECOND), instanceIds: nodes(20).map((n) => n.instanceId), failedCount: 0 });
    }
    const resumed = planAt(withStatus(resource, ended), nodes(20), T0 + 61 * SECOND);
    expect(resumed.request?.count).to.equal(10);
  });

  it('one task at a time once learned: no second request while our task runs, even with headroom and no refusal in status', () => {
    const running = { state: 'Running' as const, taskId: 'T-1', intentId: 'sbc-1', count: 20, startTime: iso(T0) };
    const resource = capacity({ spec: { replicas: 50 }, status: { tasks: [running] } });
    expect(planAt(resource, [], T0 + SECOND).request?.count).to.equal(20);
    const held = planAt(resource, [], T0 + SECOND, { oneTaskAtATime: true });
    expect(held.request).to.equal(undefined);
    expect(held.status.lastDecision).to.include({ action: 'Wait', reason: Reason.ClusterBusy });
    expect(held.status.lastDecision?.message).to.contain('T-1');
    // Nothing running: the hint does not hold anything back.
    expect(planAt(capacity({ spec: { replicas: 50 } }), [], T0, { oneTaskAtATime: true }).request?.count).to.equal(20);
  });

  it('refusedWhileOwnTaskRuns: only a ClusterBusy refusal with one of our tasks running teaches one task at a time', () => {
    const resource = capacity({ spec: { replicas: 30 } });
    const first = planAt(resource, [], T0);
    const accepted = recordScaleOutAccepted(withStatus(resource, first.status), first.request?.intentId ?? '', { taskId: 'T-first' }, T0 + SECOND);
    expect(refusedWhileOwnTaskRuns(accepted.status)).to.equal(false);
    const second = planAt(withStatus(resource, accepted.status), [], T0 + 2 * SECOND);
    const busy = recordScaleOutFailed(withStatus(resource, second.status), second.request?.intentId ?? '',
      error('clusterBusy', 'InvalidStatus.Forbidden', 'cannot operate cluster where state is scaling'), T0 + 3 * SECOND, constantRandom(0.5));
    expect(refusedWhileOwnTaskRuns(busy.status)).to.equal(true);
    const alone = afterIntent();
    const busyAlone = recordScaleOutFailed(alone.resource, alone.intentId, error('clusterBusy', 'InvalidStatus.Forbidden', 'upgrading'), T0, constantRandom(0.5));
    expect(refusedWhileOwnTaskRuns(busyAlone.status)).to.equal(false);
  });

  it('unknown outcome: stays Requesting, no backoff, no event; the next plan waits for recovery', () => {
    const { resource, intentId } = afterIntent();
    const outcome = recordScaleOutFailed(resource, intentId, error('unknownOutcome', 'ReadTimeout', 'ReadTimeout(3000)'), T0 + 3 * SECOND, constantRandom(0));
    expect(outcome.status.tasks?.[0]?.state).to.equal('Requesting');
    expect(outcome.status.tasks?.[0]?.message).to.contain('ReadTimeout');
    expect(outcome.status.consecutiveFailures).to.equal(0);
    expect(outcome.events).to.deep.equal([]);
    expect(outcome.status.inFlightReplicas).to.equal(3);
    const next = planAt(withStatus(resource, outcome.status), [], T0 + 4 * SECOND);
    expect(next.request).to.equal(undefined);
    expect(dueCloudWork({ ...capacity(), status: next.status }, [], { lastPolled: new Map() }, T0 + 4 * SECOND).recoverIntentIds).to.deep.equal([intentId]);
    expect(conditionOf(next.status, 'Reconciling')).to.deep.equal(conditionOf(outcome.status, 'Reconciling'));
  });

  it('a refusal for an intent that is no longer Requesting changes nothing', () => {
    const { resource, intentId } = afterIntent();
    const accepted = recordScaleOutAccepted(resource, intentId, { taskId: 'T-1' }, T0);
    const refused = recordScaleOutFailed(withStatus(resource, accepted.status), intentId, error('transient', 'X', 'y'), T0, constantRandom(0));
    expect(refused.events).to.deep.equal([]);
    expect(refused.status).to.deep.equal(accepted.status);
  });
});
