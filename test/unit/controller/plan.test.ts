import { expect } from 'chai';
import { INTENT_TAG_KEY } from '../../../src/api/sandbox-capacity.js';
import { dueCloudWork, POLL_RUNNING_MS, POLL_TIMED_OUT_MS, REQUEUE_AFTER_PARTIAL_SCALE_OUT_MS } from '../../../src/controller/core/schedule.js';
import { recordScaleOutAccepted } from '../../../src/controller/core/outcomes.js';
import { EventReason, Reason } from '../../../src/controller/core/reasons.js';
import { MINUTE, SECOND, T0, capacity, conditionOf, iso, node, nodes, planAt, record, withSpec, withStatus } from './helpers.js';

describe('controller/core plan: counting and scale-out', () => {
  it('empty cluster, replicas 3 → one request for 3 nodes, intent recorded before the call', () => {
    const decision = planAt(capacity(), [], T0);
    expect(decision.request).to.deep.include({ count: 3, vswitchIds: ['vsw-aaa'] });
    const intentId = decision.request?.intentId ?? '';
    expect(decision.request?.intentTag).to.deep.equal({ key: INTENT_TAG_KEY, value: intentId });
    expect(decision.status.tasks).to.deep.equal([
      { intentId, count: 3, vswitchIds: ['vsw-aaa'], state: 'Requesting', startTime: iso(T0), message: 'requesting 3 nodes in vsw-aaa' },
    ]);
    expect(decision.status).to.include({ replicas: 0, readyReplicas: 0, inFlightReplicas: 3, observedGeneration: 1, lastScaleOutTime: iso(T0) });
    expect(decision.status.lastDecision).to.include({ action: 'ScaleOut', reason: Reason.ScalingOut, count: 3 });
    expect(decision.status.selector).to.equal('alibabacloud.com/container-runtime=Sandboxed-Container.runv');
  });

  it('enough ready nodes → nothing to do, Ready/not Reconciling/not Stalled, no requeue', () => {
    const decision = planAt(capacity(), nodes(3), T0);
    expect(decision.request).to.equal(undefined);
    expect(decision.status.lastDecision).to.include({ action: 'NoOp', reason: Reason.NodesReady });
    expect(conditionOf(decision.status, 'Ready')).to.include({ status: 'True', reason: Reason.NodesReady, message: '3 of 3 nodes ready' });
    expect(conditionOf(decision.status, 'Reconciling').status).to.equal('False');
    expect(conditionOf(decision.status, 'Stalled').status).to.equal('False');
    expect(dueCloudWork({ ...capacity(), status: decision.status }, [], { lastPolled: new Map() }, T0)).to.deep.equal({ pollTaskIds: [], recoverIntentIds: [], firstLook: false, unjoinedInstanceIds: [] });
    expect(decision.requeueAfterMs).to.equal(undefined);
  });

  it('a node being deleted does not count: exactly one replacement is requested', () => {
    const decision = planAt(capacity(), [...nodes(2), node('gone', { instanceId: 'i-gone', deleting: true })], T0);
    expect(decision.status.replicas).to.equal(2);
    expect(decision.request?.count).to.equal(1);
  });

  it('nodes present but not Ready are not replaced: wait for readiness', () => {
    const decision = planAt(capacity(), [...nodes(2), node('slow', { ready: false })], T0);
    expect(decision.request).to.equal(undefined);
    expect(decision.status).to.include({ replicas: 3, readyReplicas: 2 });
    expect(conditionOf(decision.status, 'Ready')).to.include({ status: 'False', reason: Reason.WaitingForNodesReady });
  });

  it('raising replicas requests exactly the difference', () => {
    const decision = planAt(capacity({ spec: { replicas: 7 } }), nodes(3), T0);
    expect(decision.request?.count).to.equal(4);
  });

  it('replicas 0 on an empty cluster: nothing', () => {
    const decision = planAt(capacity({ spec: { replicas: 0 } }), [], T0);
    expect(decision.request).to.equal(undefined);
    expect(conditionOf(decision.status, 'Ready').status).to.equal('True');
  });

  it('a running task covering the shortfall: wait for it, poll it every 10 s', () => {
    const running = record({ state: 'Running', taskId: 'T-1', count: 2, startTime: iso(T0) });
    const decision = planAt(capacity({ status: { tasks: [running] } }), nodes(1), T0 + MINUTE);
    expect(decision.request).to.equal(undefined);
    expect(decision.status.inFlightReplicas).to.equal(2);
    expect(decision.status.lastDecision).to.include({ action: 'Wait', reason: Reason.WaitingForNodes });
    expect(conditionOf(decision.status, 'Ready').message).to.contain('T-1');
    expect(dueCloudWork({ ...capacity(), status: decision.status }, [], { lastPolled: new Map() }, T0 + MINUTE).pollTaskIds).to.deep.equal(['T-1']);
    expect(decision.requeueAfterMs).to.equal(POLL_RUNNING_MS);
  });

  it('a running task that delivered some nodes only counts the rest', () => {
    const running = record({ state: 'Running', taskId: 'T-1', count: 3, instanceIds: ['i-n-0', 'i-n-1'] });
    const covered = planAt(capacity({ spec: { replicas: 3 }, status: { tasks: [running] } }), nodes(2), T0 + MINUTE);
    expect(covered.status.inFlightReplicas).to.equal(1);
    expect(covered.request).to.equal(undefined);
    const more = planAt(capacity({ spec: { replicas: 5 }, status: { tasks: [running] } }), nodes(2), T0 + MINUTE);
    expect(more.request?.count).to.equal(2);
  });

  describe('join grace period', () => {
    const finished = record({ state: 'Succeeded', taskId: 'T-1', count: 2, instanceIds: ['i-x', 'i-y'], failedCount: 0, completionTime: iso(T0) });
    const resource = capacity({ spec: { replicas: 2 }, status: { tasks: [finished] } });

    it('instances of a finished task that have not joined count as in flight within the grace period', () => {
      const decision = planAt(resource, [], T0 + 5 * MINUTE);
      expect(decision.status.inFlightReplicas).to.equal(2);
      expect(decision.request).to.equal(undefined);
      expect(decision.requeueAfterMs).to.equal(5 * MINUTE);
    });

    it('a joined instance (matched by provider id) stops counting', () => {
      const decision = planAt(resource, [node('x', { instanceId: 'i-x' })], T0 + 5 * MINUTE);
      expect(decision.status).to.include({ replicas: 1, inFlightReplicas: 1 });
    });

    it('after the grace period an unjoined instance keeps its place: nothing is bought again, the resource says why', () => {
      const decision = planAt(resource, [node('x', { instanceId: 'i-x' })], T0 + 10 * MINUTE);
      expect(decision.request).to.equal(undefined);
      expect(decision.status.inFlightReplicas).to.equal(1);
      expect(decision.status.unjoined).to.deep.equal([{ instanceId: 'i-y', task: 'T-1', reason: Reason.NodesNotRegistered, message: 'not looked up in ACK yet' }]);
      expect(conditionOf(decision.status, 'Stalled')).to.include({ status: 'True', reason: Reason.NodesNotRegistered });
      expect(conditionOf(decision.status, 'Stalled').message).to.contain('i-y (T-1)').and.contain('limits.maxUnjoinedNodes is 0');
      expect(decision.events.map((e) => e.reason)).to.include.members([EventReason.Stalled]);
    });

    it('with limits.maxUnjoinedNodes 1, one unjoined instance is written off and bought again, once', () => {
      const lenient = capacity({ spec: { replicas: 2 }, limits: { maxUnjoinedNodes: 1 }, status: { tasks: [finished] } });
      const decision = planAt(lenient, [node('x', { instanceId: 'i-x' })], T0 + 10 * MINUTE);
      expect(decision.request?.count).to.equal(1);
      expect(decision.status.inFlightReplicas).to.equal(1); // the new intent; i-y is written off
      expect(conditionOf(decision.status, 'Stalled').status).to.equal('False');
      // The replacement never joins either: it is held, not bought a third time.
      const again = planAt(withStatus(lenient, decision.status), [node('x', { instanceId: 'i-x' })], T0 + 10 * MINUTE + SECOND);
      expect(again.request).to.equal(undefined);
    });

    it('an unjoined instance that joins later (the selector fixed) brings Ready with no purchase', () => {
      const stalled = planAt(resource, [node('x', { instanceId: 'i-x' })], T0 + 10 * MINUTE);
      const fixed = planAt(withStatus(resource, stalled.status), [node('x', { instanceId: 'i-x' }), node('y', { instanceId: 'i-y' })], T0 + 20 * MINUTE);
      expect(fixed.request).to.equal(undefined);
      expect(fixed.status.unjoined).to.equal(undefined);
      expect(conditionOf(fixed.status, 'Ready')).to.include({ status: 'True', reason: Reason.NodesReady });
      expect(conditionOf(fixed.status, 'Stalled').status).to.equal('False');
    });
  });

  describe('limits', () => {
    it('a shortfall larger than maxNodesPerScaleOut is split; the rest is requested soon after', () => {
      const decision = planAt(capacity({ spec: { replicas: 50 } }), [], T0);
      expect(decision.request?.count).to.equal(20);
      expect(decision.requeueAfterMs).to.equal(REQUEUE_AFTER_PARTIAL_SCALE_OUT_MS);
    });

    it('the request never makes in-flight exceed maxInFlightNodes', () => {
      const running = record({ state: 'Running', taskId: 'T-1', count: 20 });
      const decision = planAt(capacity({ spec: { replicas: 50 }, status: { tasks: [running] } }), [], T0);
      expect(decision.request?.count).to.equal(20);
      expect(decision.status.inFlightReplicas).to.equal(40);
    });

    it('only whole requests: room for 5 of a wanted 20 waits for the joins instead of asking for 5', () => {
      const running = record({ state: 'Running', taskId: 'T-1', count: 35 });
      const decision = planAt(capacity({ spec: { replicas: 50 }, status: { tasks: [running] } }), [], T0);
      expect(decision.request).to.equal(undefined);
      expect(decision.status.lastDecision).to.include({ action: 'Wait', reason: Reason.InFlightLimit });
      // The last piece of a shortfall is whole however small: 35 in flight, 3 missing → 3.
      const tail = planAt(capacity({ spec: { replicas: 38 }, status: { tasks: [running] } }), [], T0);
      expect(tail.request?.count).to.equal(3);
    });

    it('maxInFlightNodes below maxNodesPerScaleOut: requests of maxInFlightNodes, one at a time', () => {
      const limits = { maxNodesPerScaleOut: 20, maxInFlightNodes: 8 };
      expect(planAt(capacity({ spec: { replicas: 50 }, limits }), [], T0).request?.count).to.equal(8);
      const running = record({ state: 'Running', taskId: 'T-1', count: 8 });
      expect(planAt(capacity({ spec: { replicas: 50 }, limits, status: { tasks: [running] } }), [], T0).request).to.equal(undefined);
    });

    it('at the in-flight cap: wait (InFlightLimit), nothing requested', () => {
      const running = record({ state: 'Running', taskId: 'T-1', count: 40 });
      const decision = planAt(capacity({ spec: { replicas: 50 }, status: { tasks: [running] } }), [], T0);
      expect(decision.request).to.equal(undefined);
      expect(decision.status.lastDecision).to.include({ action: 'Wait', reason: Reason.InFlightLimit });
    });

    it('when the request covers the whole shortfall the next look is the first poll', () => {
      expect(planAt(capacity(), [], T0).requeueAfterMs).to.equal(POLL_RUNNING_MS);
    });
  });

  it('never requests while an intent outcome is unknown, even with a shortfall', () => {
    const requesting = record({ state: 'Requesting', intentId: 'sbc-x', count: 1 });
    const decision = planAt(capacity({ spec: { replicas: 10 }, status: { tasks: [requesting] } }), [], T0);
    expect(decision.request).to.equal(undefined);
    expect(decision.status.lastDecision).to.include({ action: 'Wait', reason: Reason.OutcomeUnknown });
    expect(dueCloudWork({ ...capacity(), status: decision.status }, [], { lastPolled: new Map() }, T0).recoverIntentIds).to.deep.equal(['sbc-x']);
    expect(decision.requeueAfterMs).to.equal(10 * SECOND);
  });

  describe('timeouts', () => {
    const running = record({ state: 'Running', taskId: 'T-1', count: 2, startTime: iso(T0) });

    it('a task past taskTimeout becomes timedOut, keeps counting, is polled every 60 s', () => {
      const decision = planAt(capacity({ status: { tasks: [running] } }), nodes(1), T0 + 31 * MINUTE);
      expect(decision.status.tasks?.[0]?.state).to.equal('TimedOut');
      expect(decision.status.inFlightReplicas).to.equal(2);
      expect(decision.request).to.equal(undefined);
      expect(dueCloudWork({ ...capacity(), status: decision.status }, [], { lastPolled: new Map() }, T0 + 31 * MINUTE).pollTaskIds).to.deep.equal(['T-1']);
      expect(decision.requeueAfterMs).to.equal(POLL_TIMED_OUT_MS);
      expect(decision.events.map((e) => e.reason)).to.deep.equal(['TaskTimedOut']);
    });

    it('honours a custom taskTimeout', () => {
      const decision = planAt(capacity({ limits: { taskTimeout: '5m' }, status: { tasks: [running] } }), nodes(1), T0 + 6 * MINUTE);
      expect(decision.status.tasks?.find((r) => r.taskId === 'T-1')?.state).to.equal('TimedOut');
      expect(planAt(capacity({ status: { tasks: [running] } }), nodes(1), T0 + 6 * MINUTE).status.tasks?.[0]?.state).to.equal('Running');
    });
  });

  it('partial failure: after backoff only the still-missing nodes are requested', () => {
    const failed = record({ state: 'Failed', taskId: 'T-1', count: 5, instanceIds: ['i-a', 'i-b'], failedCount: 3, completionTime: iso(T0) });
    const resource = capacity({ spec: { replicas: 5 }, status: { tasks: [failed], consecutiveFailures: 1, nextRetryTime: iso(T0 + 10 * SECOND) } });
    const joined = [node('a', { instanceId: 'i-a' }), node('b', { instanceId: 'i-b' })];
    expect(planAt(resource, joined, T0 + 5 * SECOND).request).to.equal(undefined);
    expect(planAt(resource, joined, T0 + 10 * SECOND).request?.count).to.equal(3);
    expect(planAt(resource, [], T0 + 10 * SECOND).request?.count).to.equal(3);
  });

  it('two plans in the same millisecond with the same dice never share an intent id', () => {
    const resource = capacity({ spec: { replicas: 30 } });
    const first = planAt(resource, [], T0);
    const accepted = recordScaleOutAccepted(withStatus(resource, first.status), first.request?.intentId ?? '', { taskId: 'T-1' }, T0);
    const second = planAt(withStatus(resource, accepted.status), [], T0);
    expect(first.request?.intentId).to.be.a('string');
    expect(second.request?.intentId).to.be.a('string').and.not.equal(first.request?.intentId);
    expect(new Set(second.status.tasks?.map((t) => t.intentId)).size).to.equal(2);
  });

  it('prunes history to 20 but keeps what still counts', () => {
    const old = Array.from({ length: 25 }, (_, i) => record({ state: 'Succeeded', taskId: `T-${i}`, count: 1, instanceIds: [`i-${i}`], joinedInstanceIds: [`i-${i}`], completionTime: iso(T0 - 60 * MINUTE) }));
    const stillRunning = record({ state: 'Running', taskId: 'T-run', count: 1, startTime: iso(T0) });
    const decision = planAt(capacity({ spec: { replicas: 1 }, status: { tasks: [...old, stillRunning] } }), [], T0);
    expect(decision.status.tasks).to.have.length(20);
    expect(decision.status.tasks?.map((r) => r.taskId)).to.include('T-run');
  });

  it('status.selector follows spec.nodeSelector', () => {
    const resource = withSpec(capacity(), { nodeSelector: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'In', values: ['e', 'd'] }] } });
    expect(planAt(resource, [], T0).status.selector).to.equal('a=b,c in (d,e)');
  });

  it('preserves status fields it does not own', () => {
    const resource = capacity({ status: { lastScaleOutTime: iso(T0 - MINUTE), conditions: [{ type: 'Custom', status: 'True', reason: 'X', message: 'y', lastTransitionTime: iso(T0) }] } });
    const decision = planAt(resource, nodes(3), T0);
    expect(decision.status.lastScaleOutTime).to.equal(iso(T0 - MINUTE));
    expect(decision.status.conditions?.map((c) => c.type)).to.deep.equal(['Ready', 'Reconciling', 'Stalled', 'Custom']);
  });
});
