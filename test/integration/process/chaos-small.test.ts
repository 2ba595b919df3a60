// The chaos suite (test/chaos, `npm run chaos`) on a small budget, so every `npm test` SIGKILLs the
// controller at random points of the scale-out path (two ScaleOutCluster runs) and of the node-pool
// write path (one node-pool run) under a fault storm, restarts the kube-apiserver once, and checks
// that ACK was asked for exactly the nodes that were needed and no task or write was lost.
import { expect } from 'chai';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detailLines, runChaos, summaryLine } from '../../chaos/engine.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';

describe('chaos suite, small budget', function () {
  this.timeout(900_000);

  it('random SIGKILLs along the scale-out and node-pool paths under a fault storm: no node bought twice, no task or write lost', async () => {
    const tb = testbed();
    const seed = Number(process.env.SCO_CHAOS_SEED ?? 7);
    const logDir = join(tmpdir(), 'sco-chaos-small', String(Date.now()));
    const summary = await runChaos(
      {
        kubeConfig: tb.kubeConfig,
        kubeconfigPath: tb.kubeconfigPath,
        createNamespace: (prefix) => createTestNamespace(prefix),
        restartApiServer: () => tb.restartApiServer(),
      },
      {
        // Three runs of a mixed budget: one block, so exactly one of them is a node-pool run.
        seed, runs: 3, modes: 'mixed', killsPerRun: 5, concurrency: 3, leaderElectionEvery: 0, apiServerRestarts: 1,
        slowRecoveryFaults: false, lowQps: false, convergeTimeoutMs: 300_000, logDir,
        log: (line) => { console.log(`    ${line}`); },
      },
    );
    for (const line of [...detailLines(summary), summaryLine(summary)]) console.log(`    ${line}`);
    expect(summary.killPoints, 'kill points landed').to.be.at.least(12);
    expect(summary.modes.map((m) => [m.mode, m.runs]), 'runs per mode').to.deep.equal([['scale-out-cluster', 2], ['node-pool', 1]]);
    expect(summary.failedRuns, 'runs that broke down').to.equal(0);
    expect(summary.unconverged, 'runs that did not converge').to.equal(0);
    expect(summary.overProvisioned, 'over-provisioned nodes').to.equal(0);
    expect(summary.lostTasks, 'lost tasks').to.equal(0);
    expect(summary.lostWrites, 'lost node-pool writes').to.equal(0);
    expect(summary.dualLeaderCalls, 'calls by a non-leader').to.equal(0);
    expect(summary.unexpectedExits, 'controllers that died on their own').to.equal(0);
    const requested = summary.results.reduce((n, r) => n + (r.account?.requested ?? 0), 0);
    const needed = summary.results.reduce((n, r) => n + (r.account?.needed ?? 0), 0);
    expect(requested, 'nodes requested from ACK (or launched by the pool) vs. needed').to.equal(needed);
    const pool = summary.results.find((r) => r.plan.mode === 'node-pool')?.account;
    expect(pool?.pool?.desiredSize, 'the pool ends at spec.replicas').to.equal(pool?.replicas);
  });
});
