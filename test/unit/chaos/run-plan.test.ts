// The chaos suite's run plans: which runs are node-pool runs (drawn from the seed, about every third),
// and what a node-pool run draws — its targets, a storm of node-pool faults only, episodes per kill.
import { expect } from 'chai';
import { plans } from '../../chaos/engine.js';
import { CHAOS_POOL_ID, NODE_POOL_TARGETS } from '../../chaos/node-pool-plan.js';
import { KILL_TARGETS, drawPlan, modeOf } from '../../chaos/run-plan.js';

const BUDGET = { runs: 20, killsPerRun: 12, leaderElectionEvery: 5, slowRecoveryFaults: true, lowQps: true } as const;
const POOL_ACTIONS = ['ModifyClusterNodePool', 'DescribeClusterNodePoolDetail'];

describe('chaos run plans', () => {
  it('mixed: exactly one run of every block of three is node-pool, where in the block drawn from the seed', () => {
    for (const seed of [1, 2, 7, 1234]) {
      const modes = Array.from({ length: 21 }, (_, i) => modeOf(seed, i, 'mixed'));
      for (let block = 0; block < 7; block += 1) {
        expect(modes.slice(block * 3, block * 3 + 3).filter((m) => m === 'node-pool'), `seed ${seed} block ${block}`).to.have.length(1);
      }
    }
    const positions = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => [0, 1, 2].find((i) => modeOf(seed, i, 'mixed') === 'node-pool')));
    expect(positions.size, 'the position varies with the seed').to.be.greaterThan(1);
  });

  it('the default budget has about a third node-pool runs, and the same seed gives the same plans', () => {
    const first = plans({ seed: 1, ...BUDGET });
    const nodePool = first.filter((p) => p.mode === 'node-pool').length;
    expect(nodePool).to.be.within(6, 7);
    expect(plans({ seed: 1, ...BUDGET })).to.deep.equal(first);
    expect(first.reduce((n, p) => n + p.targets.length, 0), 'planned kill points').to.be.at.least(200);
  });

  it('one mode only when asked', () => {
    expect(plans({ seed: 3, ...BUDGET, modes: 'node-pool' }).every((p) => p.mode === 'node-pool')).to.equal(true);
    expect(plans({ seed: 3, ...BUDGET, modes: 'scale-out-cluster' }).every((p) => p.mode === 'scale-out-cluster')).to.equal(true);
  });

  it('a node-pool run: node-pool targets, a storm of faults that reach pools and clear, an episode per kill, nothing left unjoined', () => {
    for (let index = 0; index < 40; index += 1) {
      const plan = drawPlan(5, index, { mode: 'node-pool', kills: 12, leaderElection: false, slowRecoveryFaults: true, lowQps: true });
      expect(plan.targets).to.have.length(12);
      expect(plan.targets.every((t) => (NODE_POOL_TARGETS as readonly string[]).includes(t))).to.equal(true);
      expect(plan.episodes).to.have.length(12);
      expect(plan.faults.some((f) => f.kind === 'lost-response' && f.action === 'ModifyClusterNodePool'), 'a lost answer after the write is always in').to.equal(true);
      for (const f of plan.faults) {
        expect(f.action === undefined || POOL_ACTIONS.includes(f.action), `${f.kind}@${f.action ?? ''}`).to.equal(true);
        expect(['task-fail', 'node-never-joins', 'node-mislabelled', 'quota']).to.not.include(f.kind);
        if (f.kind === 'no-stock') expect(f, 'a stock-out that ends by itself').to.include({ nodepoolId: CHAOS_POOL_ID }).and.to.have.property('times').that.is.above(0);
      }
      expect(plan.maxUnjoinedNodes).to.equal(0);
      expect(plan.recreateAfterKill).to.equal(undefined);
    }
  });

  it('a ScaleOutCluster run keeps its targets and has no pool episodes; leader-election runs kill at most 4 times in both modes', () => {
    const scaleOut = drawPlan(5, 0, { mode: 'scale-out-cluster', kills: 12, leaderElection: false, slowRecoveryFaults: true, lowQps: true });
    expect(scaleOut.targets.every((t) => (KILL_TARGETS as readonly string[]).includes(t))).to.equal(true);
    expect(scaleOut.episodes).to.deep.equal([]);
    for (const mode of ['scale-out-cluster', 'node-pool'] as const) {
      expect(drawPlan(5, 4, { mode, kills: 12, leaderElection: true, slowRecoveryFaults: true, lowQps: true }).targets).to.have.length(4);
    }
  });
});
