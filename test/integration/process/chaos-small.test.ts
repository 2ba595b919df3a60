// The chaos suite (test/chaos, `npm run chaos`) on a small budget, so every `npm test` SIGKILLs the
// controller at random points of the scale-out path under a fault storm, restarts the kube-apiserver
// once, and checks that ACK was asked for exactly the nodes that were needed and no task was lost.
import { expect } from 'chai';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detailLines, runChaos, summaryLine } from '../../chaos/engine.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';

describe('chaos suite, small budget', function () {
  this.timeout(900_000);

  it('random SIGKILLs along the scale-out path under a fault storm: no node bought twice, no task lost', async () => {
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
        seed, runs: 2, killsPerRun: 5, concurrency: 2, leaderElectionEvery: 0, apiServerRestarts: 1,
        slowRecoveryFaults: false, lowQps: false, convergeTimeoutMs: 300_000, logDir,
        log: (line) => { console.log(`    ${line}`); },
      },
    );
    for (const line of [...detailLines(summary), summaryLine(summary)]) console.log(`    ${line}`);
    expect(summary.killPoints, 'kill points landed').to.be.at.least(8);
    expect(summary.failedRuns, 'runs that broke down').to.equal(0);
    expect(summary.unconverged, 'runs that did not converge').to.equal(0);
    expect(summary.overProvisioned, 'over-provisioned nodes').to.equal(0);
    expect(summary.lostTasks, 'lost tasks').to.equal(0);
    expect(summary.unexpectedExits, 'controllers that died on their own').to.equal(0);
    const requested = summary.results.reduce((n, r) => n + (r.account?.requested ?? 0), 0);
    const needed = summary.results.reduce((n, r) => n + (r.account?.needed ?? 0), 0);
    expect(requested, 'nodes requested from ACK vs. needed').to.equal(needed);
  });
});
