// Logs, flags and exit codes of the compiled operator: `node dist/main.js` as the image runs it
// (tsc output, Node 24), against the real test kube-apiserver and the ACK simulator. The build
// is the subject here, not the dependency set (production-build.test.ts covers that), so dist/
// sits next to a symlink to the repository's node_modules.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseSpec, condition, eventually, startScenario, type Scenario } from '../controller/fixture.js';
import { run, testbed } from '../../support/testbed.js';

const repoRoot = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const node24 = join(repoRoot, 'node_modules', '.bin', 'node');
const packageVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

type LogLine = Record<string, unknown> & { timestamp: string; level: string; message: string };

/** Every non-empty line must be a JSON object: a plain-text line fails the test right here. */
function logLines(output: string): LogLine[] {
  return output.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as LogLine);
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

describe('compiled operator (node dist/main.js): logs, flags and exit codes', function () {
  this.timeout(300_000);
  let work: string;
  let s: Scenario | undefined;
  const children: ChildProcess[] = [];

  function start(args: string[]): Running {
    const child = spawn(node24, [join(work, 'dist', 'main.js'), ...args], { cwd: work });
    children.push(child);
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const exited = new Promise<number | null>((resolve) => { child.once('exit', resolve); });
    return { child, output: () => output, exited };
  }

  async function stop(r: Running): Promise<number | null> {
    if (r.child.exitCode === null) r.child.kill('SIGTERM');
    return r.exited;
  }

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'sco-obs-dist-'));
    await run(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', join(repoRoot, 'tsconfig.build.json'), '--outDir', join(work, 'dist')]);
    cpSync(join(repoRoot, 'package.json'), join(work, 'package.json'));
    symlinkSync(join(repoRoot, 'node_modules'), join(work, 'node_modules'));
  });

  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await s?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('prints its version from package.json', async () => {
    const { stdout, code } = await run(node24, [join(work, 'dist', 'main.js'), '--version']);
    expect(code).to.equal(0);
    expect(stdout).to.equal(`sandbox-capacity-operator ${packageVersion}\n`);
  });

  it('exits 2 with the usage on a bad flag value, naming the flag', async () => {
    const { stderr, code } = await run(node24, [join(work, 'dist', 'main.js'), '--resync-period', '5 minutes'], { allowFailure: true });
    expect(code).to.equal(2);
    expect(stderr).to.match(/^--resync-period: expected a duration such as 90s/).and.include('Usage: sandbox-capacity-operator');
  });

  it('reports a missing kubeconfig as one JSON line naming the flag and the path, and exits 1', async () => {
    const { stdout, stderr, code } = await run(node24, [join(work, 'dist', 'main.js'), '--kubeconfig', '/nonexistent'], { allowFailure: true });
    expect(code).to.equal(1);
    expect(stderr).to.equal('');
    const lines = logLines(stdout);
    expect(lines).to.have.length(1);
    expect(Object.keys(lines[0] ?? {}).slice(0, 3)).to.deep.equal(['timestamp', 'level', 'message']);
    expect(lines[0]).to.include({ level: 'error', message: 'cannot load the kubeconfig', flag: '--kubeconfig', path: '/nonexistent' });
    expect(String(lines[0]?.error)).to.include('ENOENT');
  });

  it('reports a taken metrics port as one JSON line naming the flag, and exits 1 although the kubeconfig is fine', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => { blocker.listen(0, '127.0.0.1', resolve); });
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = start(['--kubeconfig', testbed().kubeconfigPath, '--metrics-bind-address', `127.0.0.1:${port}`, '--health-probe-bind-address', '0']);
      expect(await r.exited, r.output()).to.equal(1);
      const lines = logLines(r.output());
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include({ level: 'error', message: 'cannot listen on the bind address', flag: '--metrics-bind-address', address: `127.0.0.1:${port}`, code: 'EADDRINUSE' });
    } finally {
      blocker.close();
    }
  });

  it('writes debug lines at --log-level debug, every line JSON with timestamp, level and message first; none at info', async () => {
    s = await startScenario();
    const flags = ['--kubeconfig', testbed().kubeconfigPath, '--namespace', s.ns, '--cloud-endpoint', `http://${s.sim.endpoint}`, '--cluster-id', s.clusterId,
      '--metrics-bind-address', '127.0.0.1:0', '--health-probe-bind-address', '0', '--resync-period', '2s'];
    const debug = start([...flags, '--log-level', 'debug']);
    await s.apply(baseSpec(s.clusterId, 1));
    await eventually('Ready', async () => {
      const current = await s?.get();
      return current && condition(current, 'Ready')?.status === 'True' ? current : undefined;
    }, 90_000);
    const processed = await eventually('a debug line per processed key', () =>
      logLines(debug.output()).find((l) => l.level === 'debug' && l.message === 'processing finished'));
    expect(processed).to.include({ key: `${s.ns}/workers` });
    expect(await stop(debug), debug.output()).to.equal(0);
    const lines = logLines(debug.output());
    for (const line of lines) expect(Object.keys(line).slice(0, 3), JSON.stringify(line)).to.deep.equal(['timestamp', 'level', 'message']);
    expect(lines.at(-1)).to.include({ level: 'info', message: 'stopped' });

    // The same operator at info: it reconciles (the resync above is 2 s), and says nothing at debug.
    const info = start(flags);
    const metricsAddress = await eventually('the metrics address', () => logLines(info.output()).find((l) => l.message === 'starting')?.metrics as string | undefined);
    await eventually('two reconciles', async () => {
      const text = await (await fetch(`http://${metricsAddress}/metrics`)).text();
      const count = /^controller_runtime_reconcile_time_seconds_count\{controller="sandboxcapacity"\} (\d+)/m.exec(text)?.[1];
      return Number(count ?? 0) >= 2 ? text : undefined;
    }, 60_000);
    expect(await stop(info), info.output()).to.equal(0);
    expect(logLines(info.output()).filter((l) => l.level === 'debug')).to.deep.equal([]);
  });
});
