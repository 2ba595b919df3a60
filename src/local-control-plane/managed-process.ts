// A child process of the local control plane. Two guarantees matter more than anything else here:
// no orphan etcd/kube-apiserver survives the test run, and a failed start says why (its log tail).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

// setpriv (util-linux) sets PR_SET_PDEATHSIG before exec, so the kernel kills the child when
// this Node process dies — even by SIGKILL, when no exit handler of ours can run.
const hasSetpriv = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class ManagedProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    binary: string,
    args: string[],
    readonly logFile: string,
  ) {
    const out = openSync(logFile, 'a');
    const [cmd, cmdArgs] = hasSetpriv ? ['setpriv', ['--pdeathsig', 'SIGKILL', '--', binary, ...args]] : [binary, args];
    this.child = spawn(cmd, cmdArgs, { stdio: ['ignore', out, out] });
    closeSync(out);
    live.add(this.child);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code) => {
        live.delete(this.child);
        this.exitCode = code;
        resolve(code);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  hasExited(): boolean {
    return this.exitCode !== undefined;
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Why a start failed, when the process has already exited: its log tail. */
  exitReport(): string | undefined {
    return this.hasExited() ? `${this.name} exited during start; last log lines:\n${this.logTail()}` : undefined;
  }

  /** A random port was taken between picking and binding it: the caller retries with another. */
  diedOfAddressInUse(): boolean {
    return this.hasExited() && /address already in use/i.test(this.logTail(50));
  }

  /** SIGTERM, then SIGKILL if the process has not exited within graceMs. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.hasExited()) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** For crash tests: kill without any chance to clean up. */
  async kill(): Promise<void> {
    if (this.hasExited()) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
