// The control plane's binaries, kube-controller-manager included, never outlive the process that
// started them: not after stop(), and not after that process is SIGKILLed (setpriv --pdeathsig).
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eventually } from '../../support/eventually.js';

const CHILD = fileURLToPath(new URL('./fixtures/control-plane-process.ts', import.meta.url));

/** The processes a pid started directly, by name (/proc's comm, at most 15 characters). */
function childrenOf(pid: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const ids = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    for (const id of ids) out.set(id, readFileSync(`/proc/${id}/comm`, 'utf8').trim());
  }
  return out;
}

function alive(pid: number): boolean {
  // A zombie still has a /proc entry; its state letter is Z.
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function startChild(): Promise<{ child: ChildProcess; dir: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const dir = /^ready (\S+)$/m.exec(out)?.[1];
      if (dir) resolve({ child, dir });
    });
    child.once('exit', (code) => { reject(new Error(`control-plane process exited ${code} before it was ready:\n${err}`)); });
  });
}

describe('test bed: no orphaned binaries', function () {
  this.timeout(120_000);

  it('takes etcd, kube-apiserver and kube-controller-manager down with a SIGKILLed test process', async () => {
    const { child, dir } = await startChild();
    const pid = child.pid ?? 0;
    const binaries = childrenOf(pid);
    // comm is cut at 15 characters: "kube-controller" is kube-controller-manager.
    expect([...binaries.values()]).to.include.members(['etcd', 'kube-apiserver', 'kube-controller']);
    child.kill('SIGKILL');
    await eventually('every binary of the killed process to exit', () => [...binaries.keys()].every((p) => !alive(p)), 20_000);
    // Its folder is left behind (no code of the killed process could run); the next start sweeps it.
    expect(existsSync(dir)).to.equal(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops every binary and removes its folder on an orderly stop', async () => {
    const { child, dir } = await startChild();
    const binaries = childrenOf(child.pid ?? 0);
    expect(binaries.size).to.be.greaterThanOrEqual(3);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    expect([...binaries.keys()].filter(alive)).to.deep.equal([]);
    expect(existsSync(dir)).to.equal(false);
  });
});
