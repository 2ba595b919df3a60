// The planner in node-pool mode: eligibility, absolute targets in steps, in-flight, busy pools,
// unknown outcomes, drift under both policies, stalled scale-ups, and the folds of ACK's answers.
import { expect } from 'chai';
import type { NodePoolStatus, SandboxCapacity, SandboxCapacityStatus } from '../../../src/api/sandbox-capacity.js';
import type { AckNodePool, CloudErrorInfo } from '../../../src/cloud/ack-api.js';
import { countedSelector, selectorToString } from '../../../src/controller/core/nodes.js';
import { eligibilityProblem, foldNodePoolRead, foldNodePoolReadError, recordPoolWriteAccepted, recordPoolWriteFailed } from '../../../src/controller/core/node-pool-outcomes.js';
import { dueNodePoolWork, POOL_SETTLED_READ_MS } from '../../../src/controller/core/node-pool-schedule.js';
import { wouldWritePool } from '../../../src/controller/core/node-pool.js';
import { POLL_RUNNING_MS } from '../../../src/controller/core/schedule.js';
import { MINUTE, SECOND, T0, at, baseSpec, capacity, conditionOf, constantRandom, iso, nodes, planAt, withSpec, withStatus } from './helpers.js';

const POOL = 'np-sandbox';

function poolCapacity(options: { replicas?: number; view?: Partial<NodePoolStatus> | null; driftPolicy?: 'Enforce' | 'Observe'; limits?: Partial<SandboxCapacity['spec']['limits']>; status?: SandboxCapacityStatus; generation?: number } = {}): SandboxCapacity {
  const spec = baseSpec();
  delete spec.scaleOut;
  spec.nodePool = { id: POOL, driftPolicy: options.driftPolicy ?? 'Enforce' };
  spec.replicas = options.replicas ?? 3;
  if (options.limits) spec.limits = { ...spec.limits, ...options.limits };
  const view = options.view === null ? undefined : { ...poolView(), ...options.view };
  const resource = capacity({ status: { ...options.status, ...(view === undefined ? {} : { nodePool: view }) }, ...(options.generation === undefined ? {} : { generation: options.generation }) });
  return { ...resource, spec };
}

function poolView(): NodePoolStatus {
  return { nodepoolId: POOL, desiredSize: 0, state: 'active', totalNodes: 0, healthyNodes: 0, initialNodes: 0, failedNodes: 0, observedTime: iso(T0) };
}

function ackPool(partial: Partial<AckNodePool> = {}): AckNodePool {
  return {
    nodepoolId: POOL, type: 'ess', state: 'active', desiredSize: 0, totalNodes: 0, healthyNodes: 0, initialNodes: 0, failedNodes: 0,
    runtime: 'Sandboxed-Container.runv', autoScalingEnabled: false, autoModeEnabled: false, vswitchIds: ['vsw-a'], ...partial,
  };
}

describe('planner in node-pool mode', () => {
  describe('the absolute target', () => {
    it('writes desired size spec.replicas to an active pool short of it, and records lastWrite first', () => {
      const decision = planAt(poolCapacity({ replicas: 3 }), [], at(SECOND));
      expect(decision.poolWrite).to.deep.equal({ nodepoolId: POOL, desiredSize: 3, previousSize: 0 });
      expect(decision.request).to.equal(undefined);
      expect(decision.status.nodePool?.lastWrite).to.deep.equal({ desiredSize: 3, time: new Date(at(SECOND)).toISOString() });
      expect(decision.status.lastDecision).to.include({ action: 'ScaleOut', count: 3 });
      expect(decision.status.inFlightReplicas).to.equal(3);
    });

    it('goes in steps of maxNodesPerScaleOut, each an absolute size', () => {
      const decision = planAt(poolCapacity({ replicas: 12, view: { desiredSize: 2 }, limits: { maxNodesPerScaleOut: 5, maxInFlightNodes: 40 } }), nodes(2), at(SECOND));
      expect(decision.poolWrite).to.deep.equal({ nodepoolId: POOL, desiredSize: 7, previousSize: 2 });
    });

    it('bounds desired size − live Nodes by maxInFlightNodes, and writes only whole steps', () => {
      const capped = planAt(poolCapacity({ replicas: 20, view: { desiredSize: 6, state: 'active' }, limits: { maxNodesPerScaleOut: 5, maxInFlightNodes: 8 } }), nodes(2), at(SECOND));
      expect(capped.poolWrite, 'in flight 4, room for 4 < a step of 5').to.equal(undefined);
      expect(capped.status.lastDecision?.reason).to.equal('InFlightLimit');
      const room = planAt(poolCapacity({ replicas: 20, view: { desiredSize: 6 }, limits: { maxNodesPerScaleOut: 5, maxInFlightNodes: 9 } }), nodes(2), at(SECOND));
      expect(room.poolWrite?.desiredSize).to.equal(11);
    });

    it('counts desired size − live matching Nodes in flight, never negative', () => {
      const waiting = planAt(poolCapacity({ replicas: 3, view: { desiredSize: 3, state: 'scaling' } }), nodes(1), at(SECOND));
      expect(waiting.poolWrite).to.equal(undefined);
      expect(waiting.status.inFlightReplicas).to.equal(2);
      expect(waiting.status.lastDecision?.reason).to.equal('WaitingForNodes');
      const more = planAt(poolCapacity({ replicas: 3, view: { desiredSize: 2 } }), nodes(3), at(SECOND));
      expect(more.status.inFlightReplicas).to.equal(0);
    });

    it('raises to the target at once when live Nodes above the desired size are still leaving', () => {
      const decision = planAt(poolCapacity({ replicas: 3, view: { desiredSize: 1 } }), nodes(2), at(SECOND));
      expect(decision.poolWrite).to.deep.equal({ nodepoolId: POOL, desiredSize: 3, previousSize: 1 });
    });

    it('never lowers the pool: a desired size above spec.replicas is surplus, not written', () => {
      const decision = planAt(poolCapacity({ replicas: 3, view: { desiredSize: 5 } }), nodes(5), at(SECOND));
      expect(decision.poolWrite).to.equal(undefined);
      expect(decision.status.lastDecision?.reason).to.equal('SurplusNodes');
    });

    it('writes nothing when the pool is already at spec.replicas', () => {
      const decision = planAt(poolCapacity({ replicas: 3, view: { desiredSize: 3 } }), nodes(3), at(SECOND));
      expect(decision.poolWrite).to.equal(undefined);
      expect(decision.status.lastDecision?.reason).to.equal('NodesReady');
    });
  });

  describe('waiting', () => {
    it('reads the pool before the first write', () => {
      const decision = planAt(poolCapacity({ view: null }), [], at(SECOND));
      expect(decision.poolWrite).to.equal(undefined);
      expect(decision.status.lastDecision?.reason).to.equal('OutcomeUnknown');
      expect(decision.status.lastDecision?.message).to.include(`reading node pool ${POOL}`);
    });

    it('waits while the pool is not active: NodePoolBusy, no write', () => {
      const decision = planAt(poolCapacity({ replicas: 8, view: { desiredSize: 5, state: 'scaling' } }), nodes(5), at(SECOND));
      expect(decision.poolWrite).to.equal(undefined);
      expect(decision.status.lastDecision?.reason).to.equal('NodePoolBusy');
      expect(decision.requeueAfterMs).to.be.at.most(POLL_RUNNING_MS);
    });

    it('after a write whose outcome is unknown, writes nothing until the pool is read again', () => {
      const view = { desiredSize: 0, lastWrite: { desiredSize: 3, time: iso(at(SECOND)) }, observedTime: iso(T0) };
      const decision = planAt(poolCapacity({ view }), [], at(2 * SECOND));
      expect(decision.poolWrite).to.equal(undefined);
      expect(decision.status.lastDecision?.reason).to.equal('OutcomeUnknown');
    });

    it('after the re-read: the write took effect → waits for nodes; it did not → writes the same size again', () => {
      const took = { desiredSize: 3, state: 'scaling', lastWrite: { desiredSize: 3, time: iso(at(SECOND)) }, observedTime: iso(at(2 * SECOND)) };
      expect(planAt(poolCapacity({ view: took }), [], at(2 * SECOND)).poolWrite).to.equal(undefined);
      const lost = { desiredSize: 0, lastWrite: { desiredSize: 3, time: iso(at(SECOND)) }, observedTime: iso(at(2 * SECOND)) };
      expect(planAt(poolCapacity({ view: lost }), [], at(2 * SECOND)).poolWrite).to.deep.equal({ nodepoolId: POOL, desiredSize: 3, previousSize: 0 });
    });

    it('does not write on a view older than the freshness limit', () => {
      const decision = planAt(poolCapacity({ replicas: 3, view: { observedTime: iso(T0) } }), [], at(MINUTE));
      expect(decision.poolWrite).to.equal(undefined);
      expect(decision.status.lastDecision?.reason).to.equal('NodePoolBusy');
    });

    it('dry run names the absolute size it would write: the pool as last read raised by the count, never past spec.replicas', () => {
      const dry = planAt(poolCapacity({ replicas: 5, view: { desiredSize: 1 }, limits: { maxNodesPerScaleOut: 2 } }), [], at(SECOND), { dryRun: true });
      expect(dry.status.lastDecision).to.include({ reason: 'DryRun', count: 2 });
      expect(wouldWritePool(poolCapacity({ replicas: 5, view: { desiredSize: 1 } }), 2)).to.deep.equal({ nodepoolId: POOL, desiredSize: 3, previousSize: 1 });
      expect(wouldWritePool(poolCapacity({ replicas: 5, view: { desiredSize: 4 } }), 3)).to.deep.equal({ nodepoolId: POOL, desiredSize: 5, previousSize: 4 });
      expect(wouldWritePool(poolCapacity({ replicas: 5, view: null }), 2), 'before the first read').to.equal(undefined);
      expect(wouldWritePool(poolCapacity({ replicas: 5 }), 0), 'nothing to add').to.equal(undefined);
    });

    it('paused and dry run write nothing', () => {
      expect(planAt(poolCapacity({ replicas: 3 }), [], at(SECOND), { dryRun: true }).poolWrite).to.equal(undefined);
      const paused = poolCapacity({ replicas: 3 });
      paused.spec.paused = true;
      expect(planAt(paused, [], at(SECOND)).poolWrite).to.equal(undefined);
    });
  });

  describe('stalls', () => {
    it('an ineligible or missing pool stalls with its reason and writes nothing', () => {
      for (const reason of ['NodePoolNotEligible', 'NodePoolNotFound', 'ClusterNotFound']) {
        const decision = planAt(poolCapacity({ view: { problem: { reason, message: `why ${reason}` } } }), [], at(SECOND));
        expect(decision.poolWrite).to.equal(undefined);
        expect(conditionOf(decision.status, 'Stalled')).to.include({ status: 'True', reason, message: `why ${reason}` });
      }
    });

    it('failed nodes stall the scale-up at once, naming the counts and the task error, with a Warning Event', () => {
      const view = { desiredSize: 3, failedNodes: 3, totalNodes: 3, taskError: { code: 'OperationDenied.NoStock', message: 'no stock in cn-hangzhou-h' } };
      const decision = planAt(poolCapacity({ replicas: 5, view }), [], at(SECOND));
      expect(decision.poolWrite).to.equal(undefined);
      const stalled = conditionOf(decision.status, 'Stalled');
      expect(stalled).to.include({ status: 'True', reason: 'ScaleUpStalled' });
      expect(stalled.message).to.include('failed 3').and.include('OperationDenied.NoStock');
      expect(decision.events.map((e) => `${e.type} ${e.reason}`)).to.include('Warning ScaleUpStalled');
    });

    it('live Ready Nodes below the desired size past limits.taskTimeout stall; not before', () => {
      const first = planAt(poolCapacity({ replicas: 3, view: { desiredSize: 3, state: 'active', observedTime: iso(at(SECOND)) } }), nodes(1), at(SECOND));
      expect(first.status.nodePool?.shortSince).to.equal(iso(at(SECOND)));
      expect(conditionOf(first.status, 'Stalled').status).to.equal('False');
      const later = withStatus(poolCapacity({ replicas: 3 }), { ...first.status, nodePool: { ...first.status.nodePool!, observedTime: iso(at(31 * MINUTE)) } });
      const overdue = planAt(later, nodes(1), at(31 * MINUTE));
      expect(conditionOf(overdue.status, 'Stalled')).to.include({ status: 'True', reason: 'ScaleUpStalled' });
      expect(conditionOf(overdue.status, 'Stalled').message).to.include('limits.taskTimeout');
      const joined = planAt(withStatus(later, overdue.status), nodes(3), at(32 * MINUTE));
      expect(joined.status.nodePool?.shortSince).to.equal(undefined);
      expect(conditionOf(joined.status, 'Stalled').status).to.equal('False');
    });
  });

  it('a stalled scale-up whose pool reports more healthy nodes than Ready matching Nodes says the selector leaves them out', () => {
    const view = { desiredSize: 3, healthyNodes: 3, totalNodes: 3, state: 'active', shortSince: iso(T0), observedTime: iso(at(31 * MINUTE)) };
    const decision = planAt(poolCapacity({ replicas: 3, view }), nodes(1), at(31 * MINUTE));
    expect(conditionOf(decision.status, 'Stalled').message).to.include('2 of them are not Ready Nodes that spec.nodeSelector selects');
  });

  describe('drift', () => {
    const before = { desiredSize: 8, lastWrite: { desiredSize: 8, taskId: 'T-1', time: iso(T0) }, observedTime: iso(T0) };

    it('a desired size we did not write is drift: Warning Event with old and new values', () => {
      const outcome = foldNodePoolRead(poolCapacity({ replicas: 8, view: before }), ackPool({ desiredSize: 5 }), at(SECOND));
      expect(outcome.status.nodePool?.drift).to.deep.equal({ from: 8, to: 5, time: iso(at(SECOND)), observedGeneration: 1 });
      expect(outcome.events).to.have.length(1);
      expect(outcome.events[0]).to.include({ type: 'Warning', reason: 'NodePoolDriftDetected' });
      expect(outcome.events[0]?.message).to.include('from 8 to 5').and.include('Enforce writes the target back');
    });

    it('our own write taking effect, or an unchanged size, is not drift', () => {
      const written = { desiredSize: 3, lastWrite: { desiredSize: 8, time: iso(T0) }, observedTime: iso(T0) };
      expect(foldNodePoolRead(poolCapacity({ replicas: 8, view: written }), ackPool({ desiredSize: 8 }), at(SECOND)).events).to.deep.equal([]);
      expect(foldNodePoolRead(poolCapacity({ replicas: 8, view: written }), ackPool({ desiredSize: 3 }), at(SECOND)).events).to.deep.equal([]);
      expect(foldNodePoolRead(poolCapacity({ replicas: 3, view: null }), ackPool({ desiredSize: 4 }), at(SECOND)).events, 'the first read').to.deep.equal([]);
    });

    it('Enforce writes the target back after a lowering', () => {
      const read = foldNodePoolRead(poolCapacity({ replicas: 8, view: before }), ackPool({ desiredSize: 5 }), at(SECOND));
      const decision = planAt(withStatus(poolCapacity({ replicas: 8 }), read.status), nodes(5), at(SECOND));
      expect(decision.poolWrite).to.deep.equal({ nodepoolId: POOL, desiredSize: 8, previousSize: 5 });
    });

    it('Observe reports and leaves it, until the spec changes', () => {
      const observe = poolCapacity({ replicas: 8, view: before, driftPolicy: 'Observe' });
      const read = foldNodePoolRead(observe, ackPool({ desiredSize: 5 }), at(SECOND));
      expect(read.events[0]?.message).to.include('Observe leaves it');
      const decision = planAt(withStatus(observe, read.status), nodes(5), at(SECOND));
      expect(decision.poolWrite).to.equal(undefined);
      expect(decision.status.lastDecision?.reason).to.equal('NodePoolDriftDetected');
      const again = foldNodePoolRead(withStatus(observe, decision.status), ackPool({ desiredSize: 5 }), at(20 * SECOND));
      expect(again.events, 'reported once').to.deep.equal([]);
      expect(planAt(withStatus(observe, again.status), nodes(5), at(20 * SECOND)).poolWrite).to.equal(undefined);
      const edited = withSpec(withStatus(observe, again.status), { replicas: 9 });
      expect(planAt(edited, nodes(5), at(20 * SECOND)).poolWrite?.desiredSize).to.equal(9);
    });

    it('a raise above the target is surplus under both policies, never lowered', () => {
      for (const driftPolicy of ['Enforce', 'Observe'] as const) {
        const resource = poolCapacity({ replicas: 8, view: before, driftPolicy });
        const read = foldNodePoolRead(resource, ackPool({ desiredSize: 10 }), at(SECOND));
        expect(read.events[0]?.message).to.include('surplus');
        const decision = planAt(withStatus(resource, read.status), nodes(10), at(SECOND));
        expect(decision.poolWrite).to.equal(undefined);
        expect(decision.status.lastDecision?.reason).to.equal('SurplusNodes');
      }
    });
  });

  describe('eligibility', () => {
    it('names the field and its value of a pool not ours to size', () => {
      expect(eligibilityProblem(ackPool())).to.equal(undefined);
      expect(eligibilityProblem(ackPool({ runtime: 'containerd' }))).to.include('kubernetes_config.runtime is "containerd"');
      expect(eligibilityProblem(ackPool({ autoScalingEnabled: true }))).to.include('auto_scaling.enable is true');
      expect(eligibilityProblem(ackPool({ autoModeEnabled: true }))).to.include('auto_mode.enable is true');
      expect(eligibilityProblem(ackPool({ type: 'edge' }))).to.include('nodepool_info.type is "edge"');
    });

    it('a read of an ineligible pool records the problem; the plan stalls', () => {
      const read = foldNodePoolRead(poolCapacity({ view: null }), ackPool({ autoScalingEnabled: true }), at(SECOND));
      expect(read.status.nodePool?.problem?.reason).to.equal('NodePoolNotEligible');
      const decision = planAt(withStatus(poolCapacity(), read.status), [], at(SECOND));
      expect(decision.poolWrite).to.equal(undefined);
      expect(conditionOf(decision.status, 'Stalled')).to.include({ status: 'True', reason: 'NodePoolNotEligible' });
    });

    it('an eligible read clears an earlier problem', () => {
      const read = foldNodePoolRead(poolCapacity({ view: { problem: { reason: 'NodePoolNotEligible', message: 'x' } } }), ackPool(), at(SECOND));
      expect(read.status.nodePool?.problem).to.equal(undefined);
    });
  });

  describe('ACK answers', () => {
    const notFound = (code: string): CloudErrorInfo => ({ kind: 'notFound', code, message: 'not found', httpStatus: 404 });

    it('ErrorNodePoolNotFound and ErrorClusterNotFound become problems; auth blocks; transient errors wait', () => {
      expect(foldNodePoolReadError(poolCapacity(), notFound('ErrorNodePoolNotFound')).outcome?.status.nodePool?.problem?.reason).to.equal('NodePoolNotFound');
      expect(foldNodePoolReadError(poolCapacity(), notFound('ErrorClusterNotFound')).outcome?.status.nodePool?.problem?.reason).to.equal('ClusterNotFound');
      expect(foldNodePoolReadError(poolCapacity(), { kind: 'auth', code: 'InvalidAccessKeyId.NotFound', message: 'bad key' }).blocked?.reason).to.equal('AuthenticationFailed');
      expect(foldNodePoolReadError(poolCapacity(), { kind: 'transient', code: 'ServiceUnavailable', message: 'x' })).to.deep.equal({});
    });

    it('an accepted write records the task and a NodePoolResized Event', () => {
      const written = poolCapacity({ view: { lastWrite: { desiredSize: 3, time: iso(T0) } } });
      const outcome = recordPoolWriteAccepted(written, { nodepoolId: POOL, desiredSize: 3, previousSize: 0 }, { taskId: 'T-9', requestId: 'R-9' }, at(SECOND));
      expect(outcome.status.nodePool?.lastWrite).to.deep.equal({ desiredSize: 3, time: iso(T0), taskId: 'T-9', requestId: 'R-9' });
      expect(outcome.events[0]).to.include({ reason: 'NodePoolResized' });
      expect(outcome.events[0]?.message).to.include('set to 3 (was 0; task T-9');
    });

    it('an unknown outcome keeps lastWrite without a task; a busy refusal waits without counting a failure', () => {
      const written = poolCapacity({ view: { lastWrite: { desiredSize: 3, time: iso(T0) } } });
      const write = { nodepoolId: POOL, desiredSize: 3, previousSize: 0 };
      const lost = recordPoolWriteFailed(written, write, { kind: 'unknownOutcome', code: 'ReadTimeout', message: 'ReadTimeout' }, at(SECOND), constantRandom(0.5));
      expect(lost.status.nodePool?.lastWrite?.taskId).to.equal(undefined);
      expect(lost.status.consecutiveFailures ?? 0).to.equal(0);
      const busy = recordPoolWriteFailed(written, write, { kind: 'clusterBusy', code: 'InvalidStatus.NodePool', message: 'scaling' }, at(SECOND), constantRandom(0.5));
      expect(busy.status.consecutiveFailures ?? 0).to.equal(0);
      expect(busy.status.nextRetryTime).to.be.a('string');
      const gone = recordPoolWriteFailed(written, write, notFound('ErrorNodePoolNotFound'), at(SECOND), constantRandom(0.5));
      expect(gone.status.nodePool?.problem?.reason).to.equal('NodePoolNotFound');
    });
  });

  describe('bounded reads', () => {
    it('a read is stamped after the write already recorded, even within the same millisecond', () => {
      const written = poolCapacity({ view: { lastWrite: { desiredSize: 3, time: new Date(at(SECOND)).toISOString() }, observedTime: iso(T0) } });
      const read = foldNodePoolRead(written, ackPool({ desiredSize: 3 }), at(SECOND));
      expect(Date.parse(read.status.nodePool!.observedTime)).to.be.greaterThan(at(SECOND));
      expect(dueNodePoolWork(withStatus(written, read.status), [], at(SECOND))).to.equal(undefined);
      const replan = planAt(withStatus(written, read.status), [], at(SECOND));
      expect(replan.poolWrite).to.equal(undefined);
    });

    it('a view of another pool (spec.nodePool.id changed) is ignored: the new pool is read before anything is written', () => {
      const old = poolCapacity({ replicas: 3, view: { nodepoolId: 'np-old', desiredSize: 3, problem: { reason: 'NodePoolNotFound', message: 'gone' } } });
      expect(dueNodePoolWork(old, [], at(SECOND))).to.deep.equal({ readPool: true });
      const decision = planAt(old, [], at(SECOND));
      expect(decision.poolWrite).to.equal(undefined);
      expect(decision.status.lastDecision?.reason).to.equal('OutcomeUnknown');
      expect(conditionOf(decision.status, 'Stalled').status).to.equal('False');
      const read = foldNodePoolRead(old, ackPool({ desiredSize: 1 }), at(SECOND));
      expect(read.status.nodePool).to.include({ nodepoolId: POOL, desiredSize: 1 });
      expect(read.events, 'a new pool is not drift').to.deep.equal([]);
    });

    it('reads a never-read pool, and after our own write, at once', () => {
      expect(dueNodePoolWork(poolCapacity({ view: null }), [], T0)).to.deep.equal({ readPool: true });
      const written = poolCapacity({ view: { lastWrite: { desiredSize: 3, time: iso(at(SECOND)) }, observedTime: iso(T0) } });
      expect(dueNodePoolWork(written, [], at(SECOND))).to.deep.equal({ readPool: true });
    });

    it('while scaling, at the task poll interval', () => {
      const scaling = poolCapacity({ replicas: 3, view: { desiredSize: 3, state: 'scaling', lastWrite: { desiredSize: 3, taskId: 'T-1', time: iso(T0 - SECOND) }, observedTime: iso(T0) } });
      expect(dueNodePoolWork(scaling, [], at(POLL_RUNNING_MS - 1))).to.equal(undefined);
      expect(dueNodePoolWork(scaling, [], at(POLL_RUNNING_MS))).to.deep.equal({ readPool: true });
    });

    it('settled, at most once per resync period', () => {
      const settled = poolCapacity({ replicas: 3, view: { desiredSize: 3, lastWrite: { desiredSize: 3, taskId: 'T-1', time: iso(T0 - SECOND) }, observedTime: iso(T0) } });
      expect(dueNodePoolWork(settled, nodes(3), at(POOL_SETTLED_READ_MS - 1))).to.equal(undefined);
      expect(dueNodePoolWork(settled, nodes(3), at(POOL_SETTLED_READ_MS))).to.deep.equal({ readPool: true });
    });

    it('asks for the write task\'s error while the pool reports failed nodes', () => {
      const failing = poolCapacity({ replicas: 3, view: { desiredSize: 3, failedNodes: 2, lastWrite: { desiredSize: 3, taskId: 'T-1', time: iso(T0 - SECOND) }, observedTime: iso(T0) } });
      expect(dueNodePoolWork(failing, [], at(POLL_RUNNING_MS))).to.deep.equal({ readPool: true, taskErrorOf: 'T-1' });
    });
  });

  it('counts only the pool\'s Nodes: the selector gains the pool label', () => {
    const resource = poolCapacity();
    expect(selectorToString(countedSelector(resource.spec))).to.equal(`alibabacloud.com/container-runtime=Sandboxed-Container.runv,alibabacloud.com/nodepool-id=${POOL}`);
    expect(planAt(resource, [], at(SECOND)).status.selector).to.include(`alibabacloud.com/nodepool-id=${POOL}`);
    const legacy = capacity();
    expect(countedSelector(legacy.spec), 'ScaleOutCluster mode: spec.nodeSelector itself').to.equal(legacy.spec.nodeSelector);
  });
});
