// The chaos suite's books for node-pool runs and its per-mode summary: over-provisioned from what the
// pool launched, the Nodes and the final desired size; lost writes from the lastWrites the status held.
import { expect } from 'chai';
import { lostWrites, poolOverProvisioned, type PoolFacts } from '../../chaos/accounting.js';
import type { PoolWriteRecord } from '../../chaos/chaos-run.js';
import { modeLines, summarizeModes, summaryLine, type ChaosSummary } from '../../chaos/engine.js';
import type { RunAccount } from '../../chaos/accounting.js';
import type { RunResult } from '../../chaos/run-one.js';
import { drawPlan, type RunMode } from '../../chaos/run-plan.js';

const FACTS: PoolFacts = { replicas: 5, created: 5, failedCreations: 0, removedOutOfBand: 0, liveNodes: 5, desiredSize: 5 };

function write(desiredSize: number, at: number): PoolWriteRecord {
  return { seq: at, at, desiredSize, status: 200, carriedOut: true, faults: [] };
}

describe('chaos accounting of node-pool runs', () => {
  it('needs spec.replicas plus every failed creation and every instance an out-of-band lowering took away', () => {
    expect(poolOverProvisioned(FACTS)).to.deep.equal({ needed: 5, overProvisioned: 0 });
    expect(poolOverProvisioned({ ...FACTS, created: 9, failedCreations: 3, removedOutOfBand: 1 })).to.deep.equal({ needed: 9, overProvisioned: 0 });
    expect(poolOverProvisioned({ ...FACTS, created: 7, failedCreations: 1 }), 'one launched beyond need').to.deep.equal({ needed: 6, overProvisioned: 1 });
  });

  it('counts Nodes and a final desired size above spec.replicas even when the launches add up', () => {
    expect(poolOverProvisioned({ ...FACTS, liveNodes: 6 }).overProvisioned).to.equal(1);
    expect(poolOverProvisioned({ ...FACTS, desiredSize: 7 }).overProvisioned).to.equal(2);
    expect(poolOverProvisioned({ ...FACTS, created: 4 }).overProvisioned, 'fewer launches than needed is not a surplus').to.equal(0);
  });

  it('a write is lost unless a lastWrite with its size was persisted before it (within the clocks\' slack)', () => {
    const seen = [{ desiredSize: 3, at: 1_000 }, { desiredSize: 5, at: 5_000 }];
    expect(lostWrites([write(3, 1_010), write(3, 2_000), write(5, 4_990)], seen), 'a repeat of the same size, and one 10 ms early').to.deep.equal([]);
    expect(lostWrites([write(4, 2_000)], seen).map((w) => w.desiredSize), 'a size never announced').to.deep.equal([4]);
    expect(lostWrites([write(5, 4_000)], seen).map((w) => w.desiredSize), 'announced only after the call').to.deep.equal([5]);
  });
});

function result(mode: RunMode, account: Partial<RunAccount>, windows: string[]): RunResult {
  const plan = drawPlan(1, 0, { mode, kills: windows.length, leaderElection: false, slowRecoveryFaults: false, lowQps: false });
  const books: RunAccount = {
    replicas: 3, requested: 3, failed: 0, unjoined: 0, needed: 3, liveNodes: 3, overProvisioned: 0, lostTasks: 0, lostTaskIds: [], dualLeaderCalls: 0, unexpectedExits: 0, ...account,
  };
  return {
    plan, converged: true, watchCuts: 0, recreations: 0, seconds: 1, account: books,
    kills: windows.map((window) => ({ target: 'before-call', window: window as RunResult['kills'][number]['window'] })),
  };
}

describe('chaos summary per mode', () => {
  it('one line per mode with its kill points by landing, over-provisioned nodes and lost tasks or writes; the overall line sums both', () => {
    const pool = { desiredSize: 3, removedOutOfBand: 0, writes: 2, carriedOut: 2, lostWrites: 1, lostWriteSizes: ['4@t'] };
    const results = [
      result('scale-out-cluster', { lostTasks: 2 }, ['before-call', 'during-task']),
      result('node-pool', { overProvisioned: 1, pool }, ['while-scaling', 'while-scaling', 'idle']),
      result('node-pool', {}, ['after-intent-before-call']),
    ];
    const modes = summarizeModes(results);
    expect(modes.map((m) => [m.mode, m.runs, m.killPoints, m.overProvisioned, m.lost])).to.deep.equal([['scale-out-cluster', 1, 2, 0, 2], ['node-pool', 2, 4, 1, 1]]);
    const summary = { runs: 3, killPoints: 6, overProvisioned: 1, lostTasks: 2, lostWrites: 1, modes } as ChaosSummary;
    expect(modeLines(summary)).to.deep.equal([
      'scale-out-cluster: 1 runs, 2 kill points (before-call 1, during-task 1), 0 over-provisioned nodes, 2 lost tasks',
      'node-pool: 2 runs, 4 kill points (while-scaling 2, idle 1, after-intent-before-call 1), 1 over-provisioned nodes, 1 lost writes',
    ]);
    expect(summaryLine(summary)).to.equal('chaos: 3 runs, 6 kill points, 1 over-provisioned nodes, 3 lost tasks');
  });

  it('leaves out a mode without runs', () => {
    expect(summarizeModes([result('node-pool', {}, ['idle'])]).map((m) => m.mode)).to.deep.equal(['node-pool']);
  });
});
