// The container image's start command, outside a container: the compiled dist/ next to a
// production-only node_modules (npm ci --omit=dev, as the Dockerfile's runtime stage has it), run
// with `node dist/main.js` on Node 24 against the real test kube-apiserver and the ACK simulator.
// This is also the one place the CommonJS Alibaba SDKs are exercised through compiled ESM, where
// module interop differs from the tsx loader the other tests use.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseSpec, condition, eventually, startScenario, type Scenario } from '../controller/fixture.js';
import { run, testbed } from '../../support/testbed.js';

const repoRoot = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const node24 = join(repoRoot, 'node_modules', '.bin', 'node');

describe('production build: node dist/main.js with production dependencies only', function () {
  this.timeout(300_000);
  let work: string;
  let s: Scenario | undefined;
  let operator: ChildProcess | undefined;
  let output = '';

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'sco-prod-'));
    await run(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', join(repoRoot, 'tsconfig.build.json'), '--outDir', join(work, 'dist')]);
    cpSync(join(repoRoot, 'package.json'), join(work, 'package.json'));
    cpSync(join(repoRoot, 'package-lock.json'), join(work, 'package-lock.json'));
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', work]);
  });

  after(async () => {
    if (operator && operator.exitCode === null) {
      const exited = new Promise((r) => operator?.once('exit', r));
      operator.kill('SIGTERM');
      await exited;
    }
    await s?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('prints its flags', async () => {
    const { stdout } = await run(node24, [join(work, 'dist', 'main.js'), '--help']);
    expect(stdout).to.include('--leader-elect').and.include('--cloud-endpoint');
  });

  it('converges a SandboxCapacity through the real SDK and stops cleanly on SIGTERM', async () => {
    s = await startScenario();
    operator = spawn(node24, [join(work, 'dist', 'main.js'), '--kubeconfig', testbed().kubeconfigPath, '--namespace', s.ns,
      '--cloud-endpoint', `http://${s.sim.endpoint}`, '--cluster-id', s.clusterId, '--metrics-bind-address', '0', '--health-probe-bind-address', '0'], { cwd: work });
    operator.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    operator.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
    await s.apply(baseSpec(s.clusterId, 2));
    const sc = await eventually('Ready', async () => {
      const current = await s?.get();
      return current && condition(current, 'Ready')?.status === 'True' && current.status?.inFlightReplicas === 0 ? current : undefined;
    }, 90_000);
    expect(sc.status?.readyReplicas).to.equal(2);
    expect(s.scaleOutCalls().map((c) => c.count)).to.deep.equal([2]);
    const exited = new Promise<number | null>((r) => operator?.once('exit', r));
    operator.kill('SIGTERM');
    expect(await exited, output).to.equal(0);
    expect(output).to.include('"message":"stopped"');
  });
});
