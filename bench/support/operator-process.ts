// The operator as the benchmarks run it: compiled JavaScript (tsc, as the container image ships it)
// in a process of its own, so its RSS, heap and CPU are its own and not tsx's or the bench's. The
// build goes to a temporary folder whose node_modules links to the repo's.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/local-control-plane/net.js';
import { sleep, waitFor } from './clock.js';
import { metricSum, parsePrometheusText, type Sample } from './prometheus-text.js';
import { REPO_ROOT } from './repo.js';

const CLOCK_TICKS_PER_SECOND = 100;
// setpriv (util-linux) makes the kernel kill the operator if the bench dies, even by SIGKILL.
const hasSetpriv = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface BuiltOperator {
  mainJs: string;
  buildSeconds: number;
}

/** One build per bench process ("all" runs four benchmarks on the same build). */
const builds = new Map<string, BuiltOperator>();

/** Compiles src/ with tsconfig.build.json into a temporary folder (removed at exit); reuses `dist` when given. */
export function buildOperator(dist?: string): BuiltOperator {
  if (dist !== undefined) {
    const mainJs = join(dist, 'main.js');
    if (!existsSync(mainJs)) throw new Error(`--operator-dist ${dist}: no main.js there`);
    return { mainJs, buildSeconds: 0 };
  }
  const cached = builds.get('src');
  if (cached) return cached;
  const root = mkdtempSync(join(tmpdir(), 'sco-bench-build-'));
  process.once('exit', () => { rmSync(root, { recursive: true, force: true }); });
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const started = Date.now();
  const tsc = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
  const result = spawnSync(tsc, ['-p', join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', join(root, 'dist'), '--sourceMap', 'false'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const mainJs = join(root, 'dist', 'main.js');
  if (!existsSync(mainJs)) throw new Error(`tsc did not produce ${mainJs}:\n${result.stdout}${result.stderr}`);
  if (result.status !== 0) process.stderr.write(`bench: tsc reported errors (the emitted JavaScript is used anyway):\n${result.stdout}`);
  const built = { mainJs, buildSeconds: (Date.now() - started) / 1000 };
  builds.set('src', built);
  return built;
}

/** The Node.js flags the container image runs the operator with (the Dockerfile's NODE_OPTIONS). */
export function imageNodeOptions(): string[] {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const value = /NODE_OPTIONS="([^"]*)"/.exec(dockerfile)?.[1];
  if (value === undefined) throw new Error('Dockerfile: no NODE_OPTIONS="..." found; pass --node-args explicitly');
  return value.split(/\s+/).filter(Boolean);
}

export interface OperatorProcessOptions {
  mainJs: string;
  /** Node.js flags, e.g. --max-old-space-size=96. */
  nodeArgs?: readonly string[];
  kubeconfigPath: string;
  namespace: string;
  cloudEndpoint: string;
  logFile: string;
  extraFlags?: readonly string[];
}

/** The operator's cloud call budget in every benchmark (calls per second, also its burst). */
export const BENCH_CLOUD_QPS = 20;

/** The flags every benchmark passes; the command lines in the reports show them. */
export const BENCH_OPERATOR_FLAGS = ['--cloud-qps', String(BENCH_CLOUD_QPS), '--cloud-burst', String(BENCH_CLOUD_QPS), '--log-level', 'info'] as const;

export class OperatorProcess {
  readonly startedAt = Date.now();
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess, readonly metricsUrl: string, readonly readyUrl: string, readonly args: readonly string[],
    private readonly inspectorPort: number,
  ) {
    this.exited = new Promise((resolve) => { child.once('exit', () => { resolve(); }); });
  }

  static async start(options: OperatorProcessOptions): Promise<OperatorProcess> {
    const [metricsPort, healthPort, inspectorPort] = [await freePort(), await freePort(), await freePort()];
    const args = [
      // Only sets the port: the inspector stays off until collectGarbage() sends SIGUSR1.
      `--inspect-port=127.0.0.1:${inspectorPort}`, ...(options.nodeArgs ?? []),
      options.mainJs, '--kubeconfig', options.kubeconfigPath, '--namespace', options.namespace,
      '--cloud-endpoint', options.cloudEndpoint,
      '--metrics-bind-address', `127.0.0.1:${metricsPort}`, '--health-probe-bind-address', `127.0.0.1:${healthPort}`,
      ...BENCH_OPERATOR_FLAGS, ...(options.extraFlags ?? []),
    ];
    const log = openSync(options.logFile, 'a');
    const [command, commandArgs] = hasSetpriv ? ['setpriv', ['--pdeathsig', 'SIGKILL', '--', process.execPath, ...args]] : [process.execPath, args];
    const child = spawn(command, commandArgs, { cwd: REPO_ROOT, stdio: ['ignore', log, log] });
    closeSync(log);
    live.add(child);
    child.once('exit', () => live.delete(child));
    return new OperatorProcess(child, `http://127.0.0.1:${metricsPort}/metrics`, `http://127.0.0.1:${healthPort}/readyz`, args.slice(args.indexOf(options.mainJs) + 1), inspectorPort);
  }

  /**
   * Forces a full garbage collection in the operator (inspector: HeapProfiler.collectGarbage), so the
   * heap figures that follow count live objects only. Activates the inspector (SIGUSR1): call it last.
   */
  async collectGarbage(): Promise<void> {
    this.child.kill('SIGUSR1');
    const targets = await waitFor('operator inspector', async () => {
      const res = await fetch(`http://127.0.0.1:${this.inspectorPort}/json/list`).catch(() => undefined);
      return res?.ok ? (await res.json()) as { webSocketDebuggerUrl: string }[] : undefined;
    }, 10_000, 100);
    const url = targets[0]?.webSocketDebuggerUrl;
    if (url === undefined) throw new Error('the operator inspector lists no target');
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
    for (let id = 1; id <= 2; id++) {
      const done = new Promise<void>((resolve) => {
        socket.onmessage = (message: { data: unknown }) => { if ((JSON.parse(String(message.data)) as { id?: number }).id === id) resolve(); };
      });
      socket.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
      await done;
    }
    socket.close();
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Resolves when /readyz says the caches are synced. */
  async waitReady(timeoutMs = 300_000): Promise<number> {
    await waitFor('operator /readyz', async () => {
      if (this.child.exitCode !== null) throw new Error(`operator exited with code ${this.child.exitCode}`);
      const res = await fetch(this.readyUrl).catch(() => undefined);
      return res?.status === 200;
    }, timeoutMs, 20);
    return (Date.now() - this.startedAt) / 1000;
  }

  async scrape(): Promise<Sample[]> {
    const res = await fetch(this.metricsUrl);
    return parsePrometheusText(await res.text());
  }

  async metric(name: string, where: Record<string, string> = {}): Promise<number> {
    return metricSum(await this.scrape(), name, where);
  }

  /** Resident set size, its peak and its two parts, from /proc/<pid>/status. */
  memory(): ProcessMemory {
    return processMemory(this.pid);
  }

  /** User + system CPU seconds the process used so far, from /proc/<pid>/stat. */
  cpuSeconds(): number {
    return processCpuSeconds(this.pid);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timeout = sleep(15_000).then(() => 'timeout' as const);
    if ((await Promise.race([this.exited, timeout])) === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

export interface ProcessMemory {
  rssBytes: number;
  peakRssBytes: number;
  /** Anonymous memory: V8's heap, malloc (buffers, TLS, compiler zones), thread stacks. */
  anonBytes: number;
  /** Pages of mapped files: mostly the node binary's own code and data as far as it was touched. */
  fileBytes: number;
}

export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM'), anonBytes: kib('RssAnon'), fileBytes: kib('RssFile') + kib('RssShmem') };
}

export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}
