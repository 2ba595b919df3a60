// The README's first command, end to end: `npm run demo` starts its own control plane, the ACK
// simulator and the operator as a real process, applies examples/minimal.yaml and must report
// convergence; then it must clean up after itself. And played with as people do: the printed
// commands run as printed, the resource is deleted and applied again, and Ctrl-C (SIGINT to the
// whole process group, as a terminal sends it) stops it cleanly.
import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

interface Demo {
  child: ChildProcess;
  output: () => string;
  /** npm's exit: a code, or the signal that ended it (npm ends itself with the SIGINT it got). */
  exited: Promise<number | NodeJS.Signals | null>;
}

function startDemo(args: string[]): Demo {
  // Its own process group, so the test can signal the whole group like a terminal's Ctrl-C.
  const child = spawn('npm', ['run', '-s', 'demo', '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  return { child, output: () => output, exited: new Promise((resolve) => child.once('exit', (code, signal) => { resolve(code ?? signal); })) };
}

async function waitForOutput(demo: Demo, pattern: RegExp, after = 0, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(demo.output().slice(after))) {
    if (Date.now() > deadline) throw new Error(`demo output never matched ${String(pattern)}:\n${demo.output()}`);
    if (demo.child.exitCode !== null || demo.child.signalCode !== null) throw new Error(`demo exited (${demo.child.exitCode}) before ${String(pattern)}:\n${demo.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs printed command lines in bash, after the printed export lines. */
function sh(exports: string[], command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', [...exports, command].join('\n')], (err, stdout, stderr) => {
      if (err) reject(new Error(`${command}: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

const tempDirOf = (output: string): string | undefined => /logs in (\/\S+)\/operator\.log/.exec(output)?.[1];

describe('npm run demo', function () {
  this.timeout(240_000);
  let demo: Demo | undefined;

  afterEach(() => {
    // A failed test must not leave a demo running: stop its whole group (the test started it).
    const child = demo?.child;
    if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  });

  it('converges the node-pool example (the default mode) on a local control plane and removes what it started', async () => {
    demo = startDemo(['--exit-when-ready', '--timeout', '150']);
    const code = await demo.exited;
    const output = demo.output();
    expect(code, output).to.equal(0);
    expect(output).to.match(/converged in [\d.]+s: 3 sandbox nodes Ready, nothing in flight/);
    expect(output, 'the pool raised to exactly spec.replicas, by an answered write').to.match(/node pool np\w+ {2}\w+ {2}desired 3 .*last write 3 \(task T-/);
    expect(output, 'no ScaleOutCluster task in node-pool mode').to.not.match(/^\s*task T-/m);
    expect(output, 'a pipe gets appended blocks, no cursor movement').to.not.include('\x1b[');
    const dir = tempDirOf(output);
    expect(dir, output).to.be.a('string');
    expect(existsSync(dir ?? ''), `${dir ?? ''} still exists`).to.equal(false);
  });

  it('converges the minimal example with --mode scale-out-cluster (the legacy mode) and removes what it started', async () => {
    demo = startDemo(['--mode', 'scale-out-cluster', '--exit-when-ready', '--timeout', '150']);
    const code = await demo.exited;
    const output = demo.output();
    expect(code, output).to.equal(0);
    expect(output).to.match(/converged in [\d.]+s: 3 sandbox nodes Ready, nothing in flight/);
    expect(output).to.include('task T-');
    expect(output).to.not.include('node pool np');
    expect(output, 'a pipe gets appended blocks, no cursor movement').to.not.include('\x1b[');
    const dir = tempDirOf(output);
    expect(dir, output).to.be.a('string');
    expect(existsSync(dir ?? ''), `${dir ?? ''} still exists`).to.equal(false);
  });

  it('survives being played with: printed commands work, a deleted resource comes back, Ctrl-C stops cleanly', async () => {
    demo = startDemo([]);
    await waitForOutput(demo, /Ctrl-C stops everything/);
    const lines = demo.output().split('\n').map((l) => l.trim());
    const exports = lines.filter((l) => l.startsWith('export '));
    expect(exports).to.have.length(2);
    const printed = (pattern: RegExp): string => {
      const line = lines.find((l) => pattern.test(l));
      if (!line) throw new Error(`no printed command matches ${String(pattern)}:\n${demo?.output() ?? ''}`);
      return line;
    };

    expect(await sh(exports, printed(/^kubectl get sbc/))).to.match(/sandbox-workers\s+3\s+3\s+0\s+NodesReady/);
    const rule = JSON.parse(await sh(exports, printed(/^curl -s -X POST/))) as { kind: string; id: string }[];
    expect(rule.map((r) => r.kind)).to.deep.equal(['throttle']);
    expect(await sh(exports, printed(/^curl -s \S+\/metrics /))).to.match(/^sandbox_capacity_/m);

    const beforeDelete = demo.output().length;
    await sh(exports, printed(/^kubectl delete sbc/));
    await waitForOutput(demo, /deleted — kubectl apply it again/, beforeDelete, 30_000);
    const beforeApply = demo.output().length;
    await sh(exports, printed(/^kubectl apply -f/));
    await waitForOutput(demo, /desired 3\s+live 3\s+ready 3/, beforeApply, 30_000);

    const beforeStop = demo.output().length;
    process.kill(-(demo.child.pid ?? 0), 'SIGINT');
    const ended = await demo.exited;
    const stopping = demo.output().slice(beforeStop);
    expect([0, 'SIGINT'], demo.output()).to.include(ended);
    expect(stopping.trim().split('\n')).to.deep.equal(['stopping: operator, ACK simulator, kube-apiserver, etcd ...', 'stopped; temporary files removed.']);
    const dir = tempDirOf(demo.output());
    expect(existsSync(dir ?? ''), `${dir ?? ''} still exists`).to.equal(false);
  });
});
