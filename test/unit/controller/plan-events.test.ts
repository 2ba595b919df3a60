import { expect } from 'chai';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { EventReason, Reason } from '../../../src/controller/core/reasons.js';
import type { ObservedNode, PlanInput } from '../../../src/controller/core/types.js';
import { MINUTE, SECOND, T0, capacity, conditionOf, iso, node, nodes, planAt, record, withSpec, withStatus } from './helpers.js';

interface Scenario {
  name: string;
  resource: SandboxCapacity;
  nodes: ObservedNode[];
  extra?: Partial<PlanInput>;
}

const scenarios: Scenario[] = [
  { name: 'up to date', resource: capacity(), nodes: nodes(3) },
  { name: 'surplus', resource: capacity(), nodes: nodes(5) },
  { name: 'waiting for a running task', resource: capacity({ status: { tasks: [record({ state: 'Running', taskId: 'T-1', count: 3 })] } }), nodes: [] },
  { name: 'timed-out task', resource: capacity({ status: { tasks: [record({ state: 'Running', taskId: 'T-1', count: 3, startTime: iso(T0 - 40 * MINUTE) })] } }), nodes: [] },
  { name: 'paused', resource: capacity({ spec: { paused: true } }), nodes: [] },
  { name: 'dry run', resource: capacity(), nodes: [], extra: { dryRun: true } },
  { name: 'blocked', resource: capacity(), nodes: [], extra: { blocked: { reason: Reason.SecretKeyMissing, message: 'Secret s has no key password' } } },
  { name: 'backing off', resource: capacity({ status: { consecutiveFailures: 1, nextRetryTime: iso(T0 + MINUTE) } }), nodes: [] },
  { name: 'scale-out', resource: capacity(), nodes: [] },
  { name: 'in-flight cap', resource: capacity({ spec: { replicas: 100 }, status: { tasks: [record({ state: 'Running', taskId: 'T-1', count: 40 })] } }), nodes: [] },
];

describe('controller/core plan: events, idempotence, conditions', () => {
  describe('idempotence: planning again from the planned status adds nothing new', () => {
    for (const scenario of scenarios) {
      it(scenario.name, () => {
        const first = planAt(scenario.resource, scenario.nodes, T0, scenario.extra);
        const second = planAt(withStatus(scenario.resource, first.status), scenario.nodes, T0, scenario.extra);
        expect(second.events, 'events').to.deep.equal([]);
        expect(second.request, 'scale-out').to.equal(undefined);
        if (first.request === undefined) {
          expect(second.status).to.deep.equal(first.status);
        } else {
          expect(second.status.tasks).to.deep.equal(first.status.tasks);
          expect(second.status.lastDecision?.reason).to.equal(Reason.OutcomeUnknown);
        }
      });
    }
  });

  describe('surplus', () => {
    it('is reported in the Ready condition and by one SurplusNodes event, never acted on', () => {
      const resource = capacity();
      const first = planAt(resource, nodes(5), T0);
      expect(first.request).to.equal(undefined);
      expect(conditionOf(first.status, 'Ready')).to.include({ status: 'True', reason: Reason.SurplusNodes });
      expect(conditionOf(first.status, 'Ready').message).to.contain('2 surplus');
      expect(first.events.map((e) => [e.type, e.reason])).to.deep.equal([['Warning', EventReason.SurplusNodes]]);
      expect(planAt(withStatus(resource, first.status), nodes(5), T0 + MINUTE).events).to.deep.equal([]);
    });

    it('a changed surplus is reported again', () => {
      const resource = capacity();
      const first = planAt(resource, nodes(5), T0);
      const second = planAt(withStatus(resource, first.status), nodes(6), T0 + MINUTE);
      expect(second.events.map((e) => e.reason)).to.deep.equal([EventReason.SurplusNodes]);
      expect(second.events[0]?.message).to.contain('3 surplus');
    });

    it('lowering replicas below the live count reports the surplus', () => {
      const resource = capacity({ spec: { replicas: 5 } });
      const first = planAt(resource, nodes(5), T0);
      expect(first.events).to.deep.equal([]);
      const lowered = withSpec(withStatus(resource, first.status), { replicas: 3 });
      expect(planAt(lowered, nodes(5), T0 + MINUTE).events.map((e) => e.reason)).to.deep.equal([EventReason.SurplusNodes]);
    });
  });

  describe('conditions', () => {
    it('lastTransitionTime is kept while the status stays the same, even if the message changes', () => {
      const resource = capacity({ spec: { replicas: 5 }, status: { tasks: [record({ state: 'Running', taskId: 'T-1', count: 5 })] } });
      const first = planAt(resource, [], T0);
      const second = planAt(withStatus(resource, first.status), [node('a', { instanceId: 'i-a' })], T0 + MINUTE);
      expect(conditionOf(second.status, 'Ready')).to.include({ status: 'False', lastTransitionTime: iso(T0) });
      expect(conditionOf(second.status, 'Reconciling').lastTransitionTime).to.equal(iso(T0));
    });

    it('lastTransitionTime moves when the status flips', () => {
      const resource = capacity({ status: { tasks: [record({ state: 'Running', taskId: 'T-1', count: 3 })] } });
      const first = planAt(resource, [], T0);
      const done = planAt(withStatus(resource, first.status), nodes(3), T0 + 5 * MINUTE);
      expect(conditionOf(done.status, 'Ready')).to.include({ status: 'True', lastTransitionTime: iso(T0 + 5 * MINUTE) });
      expect(conditionOf(done.status, 'Reconciling')).to.include({ status: 'True', reason: Reason.WaitingForNodes });
      expect(conditionOf(done.status, 'Stalled').lastTransitionTime).to.equal(iso(T0));
    });

    it('every condition carries the observed generation', () => {
      const decision = planAt(capacity({ generation: 7 }), nodes(3), T0);
      for (const condition of decision.status.conditions ?? []) expect(condition.observedGeneration).to.equal(7);
      expect(decision.status.observedGeneration).to.equal(7);
    });

    it('messages are stable across reconciles (no clock-relative text)', () => {
      const resource = capacity({ status: { consecutiveFailures: 1, nextRetryTime: iso(T0 + MINUTE) } });
      const first = planAt(resource, [], T0);
      const later = planAt(withStatus(resource, first.status), [], T0 + 30 * SECOND);
      expect(later.status.conditions).to.deep.equal(first.status.conditions);
    });
  });

  describe('Stalled events', () => {
    it('a new stall reason emits again; the same one does not', () => {
      const resource = capacity();
      const a = { reason: Reason.SecretNotFound, message: 'Secret a not found' };
      const b = { reason: Reason.SecretKeyMissing, message: 'Secret a has no key accessKeySecret' };
      const first = planAt(resource, [], T0, { blocked: a });
      const same = planAt(withStatus(resource, first.status), [], T0 + SECOND, { blocked: a });
      const other = planAt(withStatus(resource, same.status), [], T0 + 2 * SECOND, { blocked: b });
      expect(first.events.map((e) => e.reason)).to.deep.equal([EventReason.Stalled]);
      expect(same.events).to.deep.equal([]);
      expect(other.events.map((e) => e.reason)).to.deep.equal([EventReason.Stalled]);
      expect(other.events[0]?.message).to.contain('accessKeySecret');
    });
  });
});
