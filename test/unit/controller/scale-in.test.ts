// Scale-in in the planner: cooldown, candidates and their order, blockers, the removal record and its
// phases, giving up (replicas raised, paused, drain timeout) and the folds of ACK's answer.
import { expect } from 'chai';
import type { NodeRemoval, SandboxCapacity, ScaleInSpec, SandboxCapacityStatus } from '../../../src/api/sandbox-capacity.js';
import { recordRemovalAccepted, recordRemovalFailed, recordRemovalGone, scaleInNeedsPods, scaleInSettings } from '../../../src/controller/core/scale-in.js';
import { orderCandidates, selectRemovals, type BudgetView, type PodSnapshot, type PodView } from '../../../src/controller/core/scale-in-candidates.js';
import type { Decision, ObservedNode } from '../../../src/controller/core/types.js';
import { MINUTE, SECOND, T0, at, capacity, iso, node, nodes, planAt, record } from './helpers.js';

const ENABLED: ScaleInSpec = { enabled: true, cooldown: '10m', maxNodesPerStep: 1, drainTimeout: '10m' };

function pod(name: string, options: Partial<PodView> = {}): PodView {
  return { namespace: 'apps', name, labels: { app: 'web' }, annotations: {}, controllerKind: 'ReplicaSet', mirror: false, finished: false, deleting: false, ...options };
}

function snapshot(pods: Record<string, PodView[]>, budgets: BudgetView[] = []): PodSnapshot {
  return { pods: new Map(Object.entries(pods)), budgets };
}

function resource(replicas: number, status: SandboxCapacityStatus = {}, scaleIn: Partial<ScaleInSpec> = {}, spec: Partial<SandboxCapacity['spec']> = {}): SandboxCapacity {
  return capacity({ spec: { replicas, scaleIn: { ...ENABLED, ...scaleIn }, ...spec }, status });
}

const cooled = (extra: SandboxCapacityStatus = {}): SandboxCapacityStatus => ({ scaleIn: { surplusSince: iso(T0 - 11 * MINUTE) }, ...extra });
const draining = (name: string, startMs = T0 - MINUTE): NodeRemoval => ({ nodeName: name, instanceId: `i-${name}`, phase: 'Draining', startTime: iso(startMs) });
const eventReasons = (d: Decision): string[] => d.events.map((e) => e.reason);

describe('scale-in: when it may act', () => {
  it('is off by default: a surplus is reported as before, nothing recorded, nothing to do', () => {
    const d = planAt(capacity({ spec: { replicas: 3 } }), nodes(5), T0);
    expect(d.status.lastDecision).to.include({ action: 'NoOp', reason: 'SurplusNodes' });
    expect(d.status.scaleIn).to.equal(undefined);
    expect(d.scaleIn).to.equal(undefined);
  });

  it('waits for the surplus to last the cooldown, remembering since when, and wakes up when it has', () => {
    const first = planAt(resource(3), nodes(5), T0);
    expect(first.status.scaleIn).to.deep.equal({ surplusSince: iso(T0) });
    expect(first.status.lastDecision?.reason).to.equal('SurplusNodes');
    expect(first.status.lastDecision?.message).to.contain('once the surplus has lasted 10m');
    expect(first.scaleIn).to.equal(undefined);
    expect(first.requeueAfterMs).to.be.at.most(10 * MINUTE);
    const later = planAt(resource(3, first.status), nodes(5), at(4 * MINUTE));
    expect(later.status.scaleIn?.surplusSince, 'the surplus keeps its start').to.equal(iso(T0));
    expect(later.requeueAfterMs).to.be.at.most(6 * MINUTE);
  });

  it('forgets the surplus when it ends, so a dip that comes back starts the cooldown again', () => {
    const d = planAt(resource(5, { scaleIn: { surplusSince: iso(T0 - 9 * MINUTE) } }), nodes(5), T0);
    expect(d.status.scaleIn).to.equal(undefined);
  });

  it('asks for the pods only after the cooldown, or while a drain runs', () => {
    const { settings } = scaleInSettings(ENABLED);
    expect(scaleInNeedsPods(settings, { surplusSince: iso(T0 - 9 * MINUTE) }, 2, T0)).to.equal(false);
    expect(scaleInNeedsPods(settings, { surplusSince: iso(T0 - 10 * MINUTE) }, 2, T0)).to.equal(true);
    expect(scaleInNeedsPods(settings, { surplusSince: iso(T0 - 10 * MINUTE) }, 0, T0)).to.equal(false);
    expect(scaleInNeedsPods({ ...settings, enabled: false }, { surplusSince: iso(T0 - 10 * MINUTE) }, 2, T0)).to.equal(false);
    expect(scaleInNeedsPods(settings, { removals: [draining('n-0')] }, 0, T0)).to.equal(true);
    expect(scaleInNeedsPods(settings, { removals: [{ ...draining('n-0'), phase: 'Removing' }] }, 2, T0), 'a step in progress starts nothing').to.equal(false);
  });

  it('starts nothing while paused, nor in dry run (which says what it would remove)', () => {
    const pods = snapshot({ 'n-0': [], 'n-1': [], 'n-2': [] });
    const paused = planAt(resource(2, cooled(), {}, { paused: true }), nodes(3), T0, { pods });
    expect(paused.scaleIn).to.equal(undefined);
    expect(paused.status.scaleIn?.removals).to.equal(undefined);
    const dry = planAt(resource(2, cooled()), nodes(3), T0, { pods, dryRun: true });
    expect(dry.scaleIn).to.equal(undefined);
    expect(dry.status.lastDecision).to.include({ action: 'NoOp', reason: 'DryRun', message: 'dry run: would drain and remove 1 Node: n-0' });
  });

  it('starts nothing while a scale-out of the same resource is in flight, and gives a drain up then', () => {
    const running = record({ state: 'Running', taskId: 'T-1', count: 1 });
    const pods = snapshot({ 'n-0': [], 'n-1': [], 'n-2': [] });
    const d = planAt(resource(2, cooled({ tasks: [running] })), nodes(3), T0, { pods });
    expect(d.status.lastDecision?.reason).to.equal('WaitingForNodes');
    expect(d.status.scaleIn?.removals).to.equal(undefined);
    expect(d.scaleIn).to.equal(undefined);
    const mid = planAt(resource(2, { tasks: [running], scaleIn: { removals: [draining('n-0')] } }), nodes(3), T0, { pods });
    expect(mid.scaleIn?.uncordon).to.deep.equal(['n-0']);
  });

  it('rejects a malformed duration by naming the field', () => {
    expect(scaleInSettings({ ...ENABLED, drainTimeout: 'soon' }).problem).to.contain('spec.scaleIn.drainTimeout is "soon"');
  });
});

describe('scale-in: which Node', () => {
  it('records the removal before anything is done, then has the shell cordon and evict', () => {
    const pods = snapshot({ 'n-0': [pod('a'), pod('b')], 'n-1': [pod('c')], 'n-2': [pod('d'), pod('e')] });
    const d = planAt(resource(2, cooled()), nodes(3), T0, { pods });
    expect(d.status.scaleIn?.removals).to.deep.equal([{ nodeName: 'n-1', instanceId: 'i-n-1', phase: 'Draining', startTime: iso(T0) }]);
    expect(d.scaleIn).to.deep.equal({ drain: [{ nodeName: 'n-1', pods: [{ namespace: 'apps', name: 'c' }] }], uncordon: [], remove: [] });
    expect(eventReasons(d)).to.include('ScaleInStarted');
    expect(d.status.lastDecision).to.include({ action: 'Wait', reason: 'ScalingIn' });
    expect(d.requeueAfterMs).to.be.at.most(5 * SECOND);
  });

  it('orders NotReady first, then Nodes with only DaemonSet and mirror pods, then the fewest pods', () => {
    const observed: ObservedNode[] = [node('busy', { instanceId: 'i-1' }), node('daemons', { instanceId: 'i-2' }), node('sick', { instanceId: 'i-3', ready: false }), node('light', { instanceId: 'i-4' })];
    const pods = snapshot({
      busy: [pod('a'), pod('b')],
      daemons: [pod('ds', { controllerKind: 'DaemonSet' }), pod('static', { mirror: true, controllerKind: 'Node' }), pod('done', { finished: true })],
      sick: [pod('c'), pod('d'), pod('e')],
      light: [pod('f')],
    });
    expect(orderCandidates(observed, pods, new Set()).map((c) => c.node.name)).to.deep.equal(['sick', 'daemons', 'light', 'busy']);
  });

  it('never takes a Node whose pods were not looked at, that has no instance id, or is being deleted', () => {
    const observed = [node('unlisted', { instanceId: 'i-1' }), node('no-id'), node('going', { instanceId: 'i-3', deleting: true }), node('ok', { instanceId: 'i-4' })];
    expect(orderCandidates(observed, snapshot({ 'no-id': [], going: [], ok: [pod('a')] }), new Set()).map((c) => c.node.name)).to.deep.equal(['ok']);
  });

  it('removes at most maxNodesPerStep, and never below spec.replicas', () => {
    const empty = snapshot({ 'n-0': [], 'n-1': [], 'n-2': [], 'n-3': [], 'n-4': [] });
    expect(planAt(resource(2, cooled(), { maxNodesPerStep: 2 }), nodes(5), T0, { pods: empty }).status.scaleIn?.removals).to.have.length(2);
    expect(planAt(resource(4, cooled(), { maxNodesPerStep: 3 }), nodes(5), T0, { pods: empty }).status.scaleIn?.removals).to.have.length(1);
  });

  it('starts no new step while one is in progress', () => {
    const removing: NodeRemoval = { ...draining('n-0'), phase: 'Removing', taskId: 'T-1' };
    const d = planAt(resource(2, cooled({ scaleIn: { surplusSince: iso(T0 - HOUR_AGO), removals: [removing] } }), { maxNodesPerStep: 1 }), nodes(5), T0, { pods: snapshot({ 'n-1': [], 'n-2': [] }) });
    expect(d.status.scaleIn?.removals).to.deep.equal([removing]);
    expect(d.scaleIn).to.equal(undefined);
  });
});
const HOUR_AGO = 60 * MINUTE;

describe('scale-in: what protects a Node', () => {
  const protections: [string, PodView, string][] = [
    ['safe-to-evict "false"', pod('p', { annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' } }), 'pod apps/p is annotated cluster-autoscaler.kubernetes.io/safe-to-evict: "false"'],
    ['do-not-disrupt "true"', pod('p', { annotations: { 'karpenter.sh/do-not-disrupt': 'true' } }), 'pod apps/p is annotated karpenter.sh/do-not-disrupt: "true"'],
    ['no controller', pod('p', { controllerKind: undefined }), 'pod apps/p has no controller'],
  ];
  for (const [what, protectedPod, message] of protections) {
    it(`a pod with ${what} keeps its Node, and the next Node is taken instead`, () => {
      const d = planAt(resource(2, cooled()), nodes(3), T0, { pods: snapshot({ 'n-0': [protectedPod], 'n-1': [pod('a'), pod('b')], 'n-2': [pod('c'), pod('d'), pod('e')] }) });
      expect(d.status.scaleIn?.removals?.map((r) => r.nodeName)).to.deep.equal(['n-1']);
      const only = planAt(resource(2, cooled()), nodes(3).slice(0, 2).concat(node('n-9', { instanceId: 'i-9' })), T0, { pods: snapshot({ 'n-0': [protectedPod], 'n-1': [protectedPod], 'n-9': [protectedPod] }) });
      expect(only.status.lastDecision?.reason).to.equal('ScaleInBlocked');
      expect(only.status.lastDecision?.message).to.contain(message);
    });
  }

  it('a budget that allows no disruption now: ScaleInBlocked names the pod and the budget, once', () => {
    const budget: BudgetView = { namespace: 'apps', name: 'web-budget', selector: { matchLabels: { app: 'web' } }, disruptionsAllowed: 0 };
    const pods = snapshot({ 'n-0': [pod('web-0')], 'n-1': [pod('web-1')] }, [budget]);
    const d = planAt(resource(1, cooled()), nodes(2), T0, { pods });
    expect(d.status.scaleIn?.removals).to.equal(undefined);
    expect(d.scaleIn).to.equal(undefined);
    expect(d.status.lastDecision).to.include({ action: 'NoOp', reason: 'ScaleInBlocked' });
    expect(d.status.lastDecision?.message).to.contain('pod apps/web-0 is protected by PodDisruptionBudget apps/web-budget, which allows no disruption now');
    expect(d.events.filter((e) => e.reason === 'ScaleInBlocked')).to.have.length(1);
    const again = planAt(resource(1, d.status), nodes(2), at(30 * SECOND), { pods });
    expect(again.events.filter((e) => e.reason === 'ScaleInBlocked'), 'the same block is said once').to.have.length(0);
    const relaxed = planAt(resource(1, d.status), nodes(2), at(MINUTE), { pods: snapshot({ 'n-0': [pod('web-0')], 'n-1': [pod('web-1')] }, [{ ...budget, disruptionsAllowed: 1 }]) });
    expect(relaxed.status.scaleIn?.removals?.map((r) => r.nodeName)).to.deep.equal(['n-0']);
  });

  it('pods that cannot be listed (no RBAC): ScaleInBlocked says so and points at the chart value', () => {
    const d = planAt(resource(1, cooled()), nodes(2), T0, { pods: { pods: new Map(), budgets: [], error: 'HTTP 403 Forbidden' } });
    expect(d.status.lastDecision).to.include({ reason: 'ScaleInBlocked' });
    expect(d.status.lastDecision?.message).to.contain('cannot be listed (HTTP 403 Forbidden)').and.to.contain('rbac.scaleIn: true');
    expect(d.scaleIn).to.equal(undefined);
  });

  it('a budget of another namespace, or one without a selector, protects nothing', () => {
    const budgets: BudgetView[] = [{ namespace: 'other', name: 'b', selector: {}, disruptionsAllowed: 0 }, { namespace: 'apps', name: 'none', disruptionsAllowed: 0 }];
    const d = planAt(resource(1, cooled()), nodes(2), T0, { pods: snapshot({ 'n-0': [pod('a')], 'n-1': [pod('b'), pod('c')] }, budgets) });
    expect(d.status.scaleIn?.removals?.map((r) => r.nodeName)).to.deep.equal(['n-0']);
  });

  it('one step plans no more evictions than a budget allows', () => {
    const budget: BudgetView = { namespace: 'apps', name: 'web-budget', selector: { matchLabels: { app: 'web' } }, disruptionsAllowed: 1 };
    const candidates = orderCandidates(nodes(3), snapshot({ 'n-0': [pod('a')], 'n-1': [pod('b')], 'n-2': [pod('c'), pod('d')] }), new Set());
    const selection = selectRemovals(candidates, [budget], 3);
    expect(selection.chosen.map((c) => c.node.name)).to.deep.equal(['n-0']);
    expect(selection.blockers.map((b) => [b.node, b.budget])).to.deep.equal([['n-1', 'apps/web-budget'], ['n-2', 'apps/web-budget']]);
  });
});

describe('scale-in: a removal in progress', () => {
  const status = (removal: NodeRemoval): SandboxCapacityStatus => ({ scaleIn: { surplusSince: iso(T0 - HOUR_AGO), removals: [removal] } });

  it('keeps evicting what is left, and only pods not already leaving', () => {
    const d = planAt(resource(2, status(draining('n-0'))), nodes(3), T0, { pods: snapshot({ 'n-0': [pod('a'), pod('b', { deleting: true }), pod('ds', { controllerKind: 'DaemonSet' })] }) });
    expect(d.scaleIn?.drain).to.deep.equal([{ nodeName: 'n-0', pods: [{ namespace: 'apps', name: 'a' }] }]);
    expect(d.status.scaleIn?.removals?.[0]?.phase).to.equal('Draining');
  });

  it('drained (DaemonSet and mirror pods aside): recorded as Removing before the shell asks ACK', () => {
    const d = planAt(resource(2, status(draining('n-0'))), nodes(3), T0, { pods: snapshot({ 'n-0': [pod('ds', { controllerKind: 'DaemonSet' }), pod('m', { mirror: true })] }) });
    const removing = { ...draining('n-0'), phase: 'Removing', removeTime: iso(T0) };
    expect(d.status.scaleIn?.removals).to.deep.equal([removing]);
    expect(d.scaleIn).to.deep.equal({ drain: [], uncordon: [], remove: [removing] });
    expect(eventReasons(d)).to.include('NodeDrained');
  });

  it('after a restart, a Removing record without a task is asked again; one with a task is waited for', () => {
    const unknown: NodeRemoval = { ...draining('n-0'), phase: 'Removing', removeTime: iso(T0) };
    expect(planAt(resource(2, status(unknown)), nodes(3), T0).scaleIn?.remove).to.deep.equal([unknown]);
    const accepted = { ...unknown, taskId: 'T-1' };
    const d = planAt(resource(2, status(accepted)), nodes(3), T0);
    expect(d.scaleIn).to.equal(undefined);
    expect(d.status.lastDecision?.message).to.contain('n-0 (ACK task T-1)');
  });

  it('the Node gone: completed, the record cleared, the surplus told as usual', () => {
    const accepted: NodeRemoval = { ...draining('n-0'), phase: 'Removing', taskId: 'T-1' };
    const d = planAt(resource(2, status(accepted)), nodes(3).slice(1), T0);
    expect(eventReasons(d)).to.include('ScaleInCompleted');
    expect(d.status.scaleIn?.removals).to.equal(undefined);
    expect(d.status.lastDecision?.reason).to.equal('NodesReady');
  });

  it('replicas raised mid-drain: given up, uncordoned, nothing removed', () => {
    const d = planAt(resource(3, status(draining('n-0'))), nodes(3), T0, { pods: snapshot({ 'n-0': [pod('a')] }) });
    expect(d.scaleIn).to.deep.equal({ drain: [], uncordon: ['n-0'], remove: [] });
    expect(d.status.scaleIn?.removals).to.equal(undefined);
    expect(eventReasons(d)).to.include('ScaleInAborted');
  });

  it('only as many given up as demand came back for', () => {
    const two = { scaleIn: { surplusSince: iso(T0 - HOUR_AGO), removals: [draining('n-0'), draining('n-1')] } };
    const d = planAt(resource(4, two, { maxNodesPerStep: 2 }), nodes(5), T0, { pods: snapshot({ 'n-0': [pod('a')], 'n-1': [pod('b')] }) });
    expect(d.scaleIn?.uncordon).to.deep.equal(['n-1']);
    expect(d.status.scaleIn?.removals?.map((r) => r.nodeName)).to.deep.equal(['n-0']);
  });

  it('paused, or scale-in switched off, mid-drain: given up and uncordoned', () => {
    expect(planAt(resource(2, status(draining('n-0')), {}, { paused: true }), nodes(3), T0).scaleIn?.uncordon).to.deep.equal(['n-0']);
    expect(planAt(resource(2, status(draining('n-0')), { enabled: false }), nodes(3), T0).scaleIn?.uncordon).to.deep.equal(['n-0']);
  });

  it('past drainTimeout: uncordoned, ScaleInBlocked with the pods still there, nothing removed', () => {
    const d = planAt(resource(2, status(draining('n-0', T0 - 10 * MINUTE))), nodes(3), T0, { pods: snapshot({ 'n-0': [pod('stuck')] }) });
    expect(d.scaleIn).to.deep.equal({ drain: [], uncordon: ['n-0'], remove: [] });
    const blocked = d.events.find((e) => e.reason === 'ScaleInBlocked');
    expect(blocked?.message).to.contain('drain of Node n-0 timed out after 10m with 1 pod (apps/stuck) still there');
    expect(d.status.scaleIn, 'the cooldown starts again: the same Node is not drained again at once').to.deep.equal({ surplusSince: iso(T0) });
  });

  it('a protected pod that appeared on the cordoned Node: given up', () => {
    const d = planAt(resource(2, status(draining('n-0'))), nodes(3), T0, { pods: snapshot({ 'n-0': [pod('x', { annotations: { 'karpenter.sh/do-not-disrupt': 'true' } })] }) });
    expect(d.scaleIn?.uncordon).to.deep.equal(['n-0']);
  });

  it('a Node deleted by someone else mid-drain: the record is dropped, nothing removed', () => {
    const d = planAt(resource(2, status(draining('n-0'))), nodes(3).slice(1), T0);
    expect(d.status.scaleIn?.removals).to.equal(undefined);
    expect(d.scaleIn).to.equal(undefined);
    expect(eventReasons(d)).to.include('ScaleInAborted');
  });
});

describe("scale-in: ACK's answer to the removal call", () => {
  const removing: NodeRemoval = { ...draining('n-0'), phase: 'Removing', removeTime: iso(T0) };
  const status: SandboxCapacityStatus = { scaleIn: { removals: [removing] } };

  it('accepted: the task is recorded, so it is never asked again', () => {
    expect(recordRemovalAccepted(status, 'n-0', 'T-9').scaleIn?.removals).to.deep.equal([{ ...removing, taskId: 'T-9' }]);
  });

  it('node-pool mode: the pool as last read loses the removed instance from its desired size, as ACK does', () => {
    const pooled: SandboxCapacityStatus = { ...status, nodePool: { nodepoolId: 'np-sandbox', desiredSize: 5, state: 'active', totalNodes: 5, healthyNodes: 5, initialNodes: 0, failedNodes: 0, observedTime: iso(T0) } };
    expect(recordRemovalAccepted(pooled, 'n-0', 'T-9', true).nodePool?.desiredSize).to.equal(4);
    expect(recordRemovalAccepted(pooled, 'n-0', 'T-9', false).nodePool?.desiredSize).to.equal(5);
  });

  it('the instance already gone from ACK counts as done', () => {
    const gone = recordRemovalGone(status, removing);
    expect(gone.status.scaleIn?.removals).to.equal(undefined);
    expect(gone.events.map((e) => e.reason)).to.deep.equal(['ScaleInCompleted']);
  });

  it('a retryable failure keeps the record; a refusal gives up and uncordons', () => {
    const kept = recordRemovalFailed(status, removing, { kind: 'throttled', code: 'Throttling', message: 'slow down' });
    expect(kept.status).to.equal(status);
    expect(kept.uncordon).to.equal(false);
    const refused = recordRemovalFailed(status, removing, { kind: 'invalidRequest', code: 'InvalidParameter', message: 'no' });
    expect(refused.uncordon).to.equal(true);
    expect(refused.status.scaleIn?.removals).to.equal(undefined);
    expect(refused.events[0]?.message).to.contain('InvalidParameter: no');
  });
});
