import { expect } from 'chai';
import type { Condition } from '../../../src/api/sandbox-capacity.js';
import { EventReason, Reason } from '../../../src/controller/core/reasons.js';
import { MINUTE, SECOND, T0, capacity, conditionOf, iso, nodes, planAt, record, withSpec, withStatus } from './helpers.js';

const stalledCondition = (reason: string, generation: number): Condition => ({
  type: 'Stalled',
  status: 'True',
  reason,
  message: 'ScaleOutCluster for 3 nodes in vsw-aaa refused: QuotaExceeded.Nodes: quota; no retry until the spec changes or until later',
  lastTransitionTime: iso(T0),
  observedGeneration: generation,
});

describe('controller/core plan: rules', () => {
  describe('paused', () => {
    const paused = capacity({ spec: { paused: true, replicas: 5 } });

    it('requests nothing but reports counts and what it would request', () => {
      const decision = planAt(paused, nodes(2), T0);
      expect(decision.request).to.equal(undefined);
      expect(decision.status).to.include({ replicas: 2, readyReplicas: 2, inFlightReplicas: 0 });
      expect(decision.status.lastDecision).to.deep.include({ action: 'NoOp', reason: Reason.Paused, count: 3 });
      expect(decision.status.lastDecision?.message).to.contain('would request 3 nodes in vsw-aaa');
      expect(conditionOf(decision.status, 'Reconciling')).to.include({ status: 'False', reason: Reason.Paused });
      expect(conditionOf(decision.status, 'Ready')).to.include({ status: 'False', reason: Reason.Paused });
      expect(decision.status.tasks).to.deep.equal([]);
    });

    it('paused with enough nodes is simply ready', () => {
      const decision = planAt(paused, nodes(5), T0);
      expect(decision.status.lastDecision?.reason).to.equal(Reason.NodesReady);
    });

    it('would-be count respects the limits', () => {
      const decision = planAt(capacity({ spec: { paused: true, replicas: 100 } }), [], T0);
      expect(decision.status.lastDecision?.count).to.equal(20);
    });

    it('unpausing (a new generation) requests', () => {
      const first = planAt(paused, nodes(2), T0);
      const resumed = withSpec(withStatus(paused, first.status), { paused: false });
      expect(planAt(resumed, nodes(2), T0 + SECOND).request?.count).to.equal(3);
    });
  });

  describe('dry run', () => {
    const resource = capacity({ spec: { replicas: 4 } });

    it('requests nothing, records the would-be request, emits one DryRun event', () => {
      const decision = planAt(resource, nodes(1), T0, { dryRun: true });
      expect(decision.request).to.equal(undefined);
      expect(decision.status.lastDecision).to.deep.include({ action: 'NoOp', reason: Reason.DryRun, count: 3 });
      expect(decision.events.map((e) => e.reason)).to.deep.equal([EventReason.DryRun]);
      const again = planAt(withStatus(resource, decision.status), nodes(1), T0 + MINUTE, { dryRun: true });
      expect(again.events).to.deep.equal([]);
    });

    it('emits again when the would-be request changes', () => {
      const decision = planAt(resource, nodes(1), T0, { dryRun: true });
      const again = planAt(withStatus(resource, decision.status), nodes(2), T0 + MINUTE, { dryRun: true });
      expect(again.events.map((e) => e.reason)).to.deep.equal([EventReason.DryRun]);
      expect(again.status.lastDecision?.count).to.equal(2);
    });
  });

  describe('backoff', () => {
    const failed = record({ state: 'Failed', taskId: 'T-1', count: 3, failedCount: 3, instanceIds: [], completionTime: iso(T0), message: 'task T-1 ended fail: 0 of 3 nodes created, 3 failed' });
    const backingOff = capacity({ status: { tasks: [failed], consecutiveFailures: 2, nextRetryTime: iso(T0 + 40 * SECOND) } });

    it('never requests before nextRetryTime; says until when and why; requeues at that time', () => {
      const decision = planAt(backingOff, [], T0 + 10 * SECOND);
      expect(decision.request).to.equal(undefined);
      expect(decision.status.lastDecision).to.include({ action: 'Wait', reason: Reason.BackingOff });
      expect(decision.status.lastDecision?.message).to.equal(`retrying after ${iso(T0 + 40 * SECOND)} (2 consecutive failures; last: task T-1 ended fail: 0 of 3 nodes created, 3 failed)`);
      expect(decision.status).to.include({ consecutiveFailures: 2, nextRetryTime: iso(T0 + 40 * SECOND) });
      expect(decision.requeueAfterMs).to.equal(30 * SECOND);
    });

    it('at nextRetryTime it requests again and clears nextRetryTime, keeping the count until a success', () => {
      const decision = planAt(backingOff, [], T0 + 40 * SECOND);
      expect(decision.request?.count).to.equal(3);
      expect(decision.status).to.include({ consecutiveFailures: 2, nextRetryTime: null });
    });

    it('backoff does not block reporting when nothing is missing', () => {
      const decision = planAt(backingOff, nodes(3), T0 + 10 * SECOND);
      expect(decision.status.lastDecision?.reason).to.equal(Reason.NodesReady);
    });
  });

  describe('stalls from cloud refusals', () => {
    const stalled = (generation: number) =>
      capacity({ generation, status: { consecutiveFailures: 1, nextRetryTime: iso(T0 + 10 * MINUTE), conditions: [stalledCondition(Reason.QuotaExceeded, 1)] } });

    it('while the generation is unchanged and backoff.max has not passed: Blocked, nothing requested, no new event', () => {
      const decision = planAt(stalled(1), [], T0 + MINUTE);
      expect(decision.request).to.equal(undefined);
      expect(decision.status.lastDecision).to.include({ action: 'Blocked', reason: Reason.QuotaExceeded });
      expect(conditionOf(decision.status, 'Stalled')).to.include({ status: 'True', reason: Reason.QuotaExceeded, lastTransitionTime: iso(T0) });
      expect(decision.events).to.deep.equal([]);
      expect(decision.requeueAfterMs).to.equal(9 * MINUTE);
    });

    it('a spec change (new generation) lifts the stall at once', () => {
      const decision = planAt(stalled(2), [], T0 + MINUTE);
      expect(decision.request?.count).to.equal(3);
      expect(decision.status.nextRetryTime).to.equal(null);
      expect(conditionOf(decision.status, 'Stalled')).to.include({ status: 'False', reason: Reason.NotStalled });
    });

    it('after backoff.max the request is retried', () => {
      const decision = planAt(stalled(1), [], T0 + 10 * MINUTE);
      expect(decision.request?.count).to.equal(3);
    });
  });

  describe('blocked preconditions', () => {
    const blocked = { reason: Reason.SecretNotFound, message: 'Secret sandbox-system/ack-credentials not found (key accessKeyId)' };

    it('stalls naming the Secret, requests nothing, emits Stalled once', () => {
      const resource = capacity();
      const decision = planAt(resource, [], T0, { blocked });
      expect(decision.request).to.equal(undefined);
      expect(conditionOf(decision.status, 'Stalled')).to.include({ status: 'True', reason: Reason.SecretNotFound, message: blocked.message });
      expect(decision.status.lastDecision).to.include({ action: 'Blocked' });
      expect(decision.events.map((e) => e.reason)).to.deep.equal([EventReason.Stalled]);
      expect(planAt(withStatus(resource, decision.status), [], T0 + MINUTE, { blocked }).events).to.deep.equal([]);
    });

    it('still reports counts while blocked, and looks again within a minute', () => {
      const decision = planAt(capacity(), nodes(2), T0, { blocked });
      expect(decision.status).to.include({ replicas: 2, readyReplicas: 2 });
      expect(decision.requeueAfterMs).to.equal(60 * SECOND);
    });

    it('once the precondition is met the request is made', () => {
      const resource = capacity();
      const first = planAt(resource, [], T0, { blocked });
      const second = planAt(withStatus(resource, first.status), [], T0 + SECOND);
      expect(second.request?.count).to.equal(3);
      expect(conditionOf(second.status, 'Stalled').status).to.equal('False');
    });
  });

  describe('invalid spec', () => {
    const cases: [string, Parameters<typeof capacity>[0], string][] = [
      ['a malformed taskTimeout', { limits: { taskTimeout: 'forever' } }, 'spec.limits.taskTimeout'],
      ['a zero backoff.initial', { spec: { backoff: { initial: '0s', max: '10m' } } }, 'spec.backoff.initial'],
      ['no vSwitch', { vswitchIds: [] }, 'spec.scaleOut.vswitchIds'],
    ];
    for (const [name, options, field] of cases) {
      it(`${name}: Stalled InvalidSpec naming ${field}, nothing requested`, () => {
        const decision = planAt(capacity(options), [], T0);
        expect(decision.request).to.equal(undefined);
        expect(conditionOf(decision.status, 'Stalled')).to.include({ status: 'True', reason: Reason.InvalidSpec });
        expect(conditionOf(decision.status, 'Stalled').message).to.contain(field);
      });
    }
  });
});
