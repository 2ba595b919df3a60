// The operator as a real child process: `node --import tsx src/main.ts ...` (one process, no tsx
// wrapper in between, so a SIGKILL really kills the controller and leaves nothing running). Its JSON
// log lines (stdout and stderr) go to a file and are kept parsed in memory for assertions.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');

export interface ControllerProcessOptions {
  kubeconfigPath: string;
  /** Namespace the controller watches. */
  namespace: string;
  /** http://127.0.0.1:PORT of the ACK simulator. */
  cloudEndpoint: string;
  /** The simulated ACK cluster the controller runs in (the shared API server holds Nodes of others too). */
  clusterId: string;
  /** POD_NAME of the process: its leader-election identity. */
  identity: string;
  /** Log lines are appended to this file. */
  logFile: string;
  leaderElection?: { namespace: string; id: string };
  /** Serve /metrics on a free 127.0.0.1 port (see metricsUrl()); default off. */
  metrics?: boolean;
  extraFlags?: readonly string[];
}

export interface LogEntry {
  level?: string;
  message?: string;
  timestamp?: string;
  [field: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Every child started and not yet reaped, so an aborted runner can still kill them all. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function nodeBinary(): string {
  const local = join(REPO_ROOT, 'node_modules', '.bin', 'node');
  return existsSync(local) ? local : process.execPath;
}

export function controllerArgs(options: ControllerProcessOptions): string[] {
  const args = [
    '--import', 'tsx', join(REPO_ROOT, 'src', 'main.ts'),
    '--kubeconfig', options.kubeconfigPath, '--namespace', options.namespace, '--cloud-endpoint', options.cloudEndpoint, '--cluster-id', options.clusterId,
    '--metrics-bind-address', options.metrics === true ? '127.0.0.1:0' : '0', '--health-probe-bind-address', '0', '--log-level', 'debug',
  ];
  if (options.leaderElection) {
    args.push('--leader-elect', '--leader-election-namespace', options.leaderElection.namespace, '--leader-election-id', options.leaderElection.id);
  }
  return [...args, ...(options.extraFlags ?? [])];
}

export class ControllerProcess {
  readonly entries: LogEntry[] = [];
  readonly exited: Promise<Exit>;
  readonly identity: string;
  readonly startedAt = Date.now();
  /** When the process was seen to exit (epoch ms). */
  exitedAt: number | undefined;
  /** Set when kill() or stop() ended it; an exit without it means the process died on its own. */
  endedByHarness = false;
  private readonly child: ChildProcess;
  private readonly file: WriteStream;
  private exit: Exit | undefined;
  private readonly waiters = new Set<() => void>();

  private constructor(options: ControllerProcessOptions) {
    this.identity = options.identity;
    this.file = createWriteStream(options.logFile, { flags: 'a' });
    this.write(`${JSON.stringify({ harness: 'spawn', identity: options.identity, at: new Date().toISOString() })}\n`);
    this.child = spawn(nodeBinary(), controllerArgs(options), {
      cwd: REPO_ROOT,
      env: { ...process.env, POD_NAME: options.identity, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this.child);
    for (const stream of [this.child.stdout, this.child.stderr]) this.capture(stream);
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': stdout and stderr are drained by then, so every line the process wrote is parsed.
      this.child.once('close', (code, signal) => {
        live.delete(this.child);
        this.exitedAt = Date.now();
        this.exit = { code, signal };
        this.write(`${JSON.stringify({ harness: 'exit', identity: this.identity, code, signal, at: new Date().toISOString() })}\n`);
        this.notify();
        resolve(this.exit);
      });
    });
  }

  static start(options: ControllerProcessOptions): ControllerProcess {
    return new ControllerProcess(options);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Log entries with this message. */
  logged(message: string): LogEntry[] {
    return this.entries.filter((e) => e.message === message);
  }

  /** Resolves with the first entry that matches (also one logged earlier); rejects on exit or timeout. */
  waitForLog(what: string, match: (e: LogEntry) => boolean, timeoutMs = 60_000): Promise<LogEntry> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.entries.find(match);
        if (found) {
          done();
          resolve(found);
          return true;
        }
        if (this.exit) {
          done();
          reject(new Error(`controller ${this.identity} exited (${JSON.stringify(this.exit)}) before logging ${what}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`controller ${this.identity} did not log ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (): void => { check(); };
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      if (!check()) this.waiters.add(waiter);
    });
  }

  /** SIGKILL (default): no shutdown code runs, exactly like an OOM kill or a node crash. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.exit) return this.exit;
    this.endedByHarness = true;
    this.child.kill(signal);
    return this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async stop(graceMs = 20_000): Promise<Exit> {
    if (this.exit) return this.exit;
    this.endedByHarness = true;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => { this.child.kill('SIGKILL'); }, graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once the log file has everything written so far. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => { this.file.end(resolve); });
  }

  /** http://host:port/metrics once the process has logged where it serves them. */
  async metricsUrl(timeoutMs = 60_000): Promise<string> {
    const started = await this.waitForLog('"starting" with a metrics address', (e) => e.message === 'starting' && typeof e.metrics === 'string', timeoutMs);
    return `http://${String(started.metrics)}/metrics`;
  }

  private write(text: string): void {
    if (!this.file.writableEnded) this.file.write(text);
  }

  private capture(stream: NodeJS.ReadableStream | null): void {
    if (!stream) return;
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.write(chunk);
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.parse(line);
      this.notify();
    });
  }

  private parse(line: string): void {
    if (line.trim() === '') return;
    try {
      this.entries.push(JSON.parse(line) as LogEntry);
    } catch {
      this.entries.push({ level: 'raw', message: line });
    }
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
