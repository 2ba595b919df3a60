// Throughput: reconciles per second the operator sustains with 500 SandboxCapacities (5,000 Nodes)
// while sandbox Nodes are added and removed continuously, and its work queue depth over time.
// Churn nodes are a surplus (added, then removed again), so every event changes a resource's status
// (a reconcile with a status write) and none makes a cloud call. A second phase measures the
// reconcile capacity alone: no churn, every resource resynced every 250 ms (2,000 keys/s offered).
import { sleep } from './support/clock.js';
import { metricSum } from './support/prometheus-text.js';
import { startEnvironment, type BenchEnvironment } from './support/environment.js';
import { createNode, loadFleet, nodeFor, type FleetResource } from './support/fleet.js';
import type { OperatorProcess } from './support/operator-process.js';
import { clusterIdFlag, operatorLaunch, startOperatorFor, waitAllSettled, type OperatorLaunch } from './support/operator-run.js';
import { controlPlaneProcesses, cpuPercent, cpuSnapshot, type NamedProcess } from './support/process-cpu.js';
import { log, type BenchOptions } from './support/report.js';
import { percentile, round } from './support/stats.js';

const CAPACITY_RESYNC_SECONDS = 0.25;
const CAPACITY_WINDOW_SECONDS = 20;
const CHURN_INDEX_BASE = 1_000_000;

interface SecondSample {
  t: number;
  reconciles: number;
  queueDepth: number;
  churnOps: number;
}

interface PhaseFigures {
  seconds: number;
  reconcilesPerSecond: number;
  /** Per-second reconcile rates: p50 and the lowest second. */
  reconcilesPerSecondP50: number;
  reconcilesPerSecondMin: number;
  churnOpsPerSecond: number;
  queueDepth: { p50: number; p99: number; max: number };
  /** Mean time one reconcile took, from the reconcile_duration_seconds histogram. */
  meanReconcileMs: number;
  statusWrites?: number;
  cpuPercent: Record<string, number>;
  series: SecondSample[];
}

class Churn {
  private readonly extra = new Map<string, string>();
  private readonly busy = new Set<string>();
  private next = CHURN_INDEX_BASE;
  ops = 0;
  errors = 0;

  constructor(private readonly env: BenchEnvironment, private readonly resources: readonly FleetResource[]) {}

  async run(untilMs: number, concurrency: number): Promise<void> {
    const worker = async (): Promise<void> => {
      while (Date.now() < untilMs) await this.step();
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** Removes every surplus Node still present. */
  async cleanUp(): Promise<void> {
    await Promise.all([...this.extra.values()].map((name) => this.env.kube.delete(`/api/v1/nodes/${name}`)));
    this.extra.clear();
  }

  private async step(): Promise<void> {
    const r = this.resources[Math.floor(Math.random() * this.resources.length)] as FleetResource;
    if (this.busy.has(r.name)) return;
    this.busy.add(r.name);
    try {
      const surplus = this.extra.get(r.name);
      if (surplus !== undefined) {
        await this.env.kube.delete(`/api/v1/nodes/${surplus}`);
        this.extra.delete(r.name);
      } else {
        const node = nodeFor(this.env, r.clusterId, this.next++);
        await createNode(this.env.kube, node.body);
        this.extra.set(r.name, node.name);
      }
      this.ops++;
    } catch {
      this.errors++;
    } finally {
      this.busy.delete(r.name);
    }
  }
}

async function observe(operator: OperatorProcess, seconds: number, churn: Churn | undefined, processes: readonly NamedProcess[]): Promise<PhaseFigures> {
  const series: SecondSample[] = [];
  const count = async (): Promise<{ reconciles: number; depth: number; busySeconds: number }> => {
    const metrics = await operator.scrape();
    const find = (name: string): number => metricSum(metrics, name);
    return { reconciles: find('controller_runtime_reconcile_time_seconds_count'), depth: find('workqueue_depth'), busySeconds: find('controller_runtime_reconcile_time_seconds_sum') };
  };
  const cpuBefore = cpuSnapshot(processes);
  const first = await count();
  let previous = { ...first, ops: churn?.ops ?? 0 };
  const started = Date.now();
  for (let t = 1; t <= seconds; t++) {
    await sleep(started + t * 1000 - Date.now());
    const now = await count();
    const ops = churn?.ops ?? 0;
    series.push({ t, reconciles: now.reconciles - previous.reconciles, queueDepth: now.depth, churnOps: ops - previous.ops });
    previous = { ...now, ops };
  }
  const elapsed = (Date.now() - started) / 1000;
  const rates = series.map((s) => s.reconciles);
  const depths = series.map((s) => s.queueDepth);
  return {
    seconds: round(elapsed), reconcilesPerSecond: round((previous.reconciles - first.reconciles) / elapsed),
    reconcilesPerSecondP50: percentile(rates, 50), reconcilesPerSecondMin: Math.min(...rates),
    churnOpsPerSecond: round(series.reduce((sum, s) => sum + s.churnOps, 0) / elapsed),
    queueDepth: { p50: percentile(depths, 50), p99: percentile(depths, 99), max: Math.max(...depths) },
    meanReconcileMs: round(((previous.busySeconds - first.busySeconds) / Math.max(1, previous.reconciles - first.reconciles)) * 1000, 2),
    cpuPercent: cpuPercent(cpuBefore, cpuSnapshot(processes), elapsed),
    series,
  };
}

function printPhase(title: string, f: PhaseFigures): void {
  log(`  ${title}: ${f.reconcilesPerSecond} reconciles/s (per second p50 ${f.reconcilesPerSecondP50}, min ${f.reconcilesPerSecondMin}); churn ${f.churnOpsPerSecond} node writes/s; ` +
    `queue depth p50 ${f.queueDepth.p50}, p99 ${f.queueDepth.p99}, max ${f.queueDepth.max}; mean reconcile ${f.meanReconcileMs} ms; CPU % of a core ${JSON.stringify(f.cpuPercent)}`);
  log(`    queue depth per second: ${f.series.map((s) => s.queueDepth).join(' ')}`);
  log(`    reconciles per second:  ${f.series.map((s) => s.reconciles).join(' ')}`);
}

async function churnPhase(env: BenchEnvironment, resources: readonly FleetResource[], launch: OperatorLaunch, options: BenchOptions): Promise<PhaseFigures & { drainSeconds: number; churnErrors: number; cloudCalls: number }> {
  // --cluster-id: the resources plan the whole way (else they plan as ClusterUnknown, the ownership guard).
  const { operator } = await startOperatorFor(env, launch, clusterIdFlag(resources.map((r) => r.clusterId)), 'throughput-churn');
  try {
    const processes = [...controlPlaneProcesses(), { name: 'operator', pid: operator.pid }, { name: 'bench', pid: process.pid }];
    const churn = new Churn(env, resources);
    const callsBefore = env.sim.control.requests().length;
    const until = Date.now() + options.durationSeconds * 1000;
    const running = churn.run(until, options.churnConcurrency);
    const figures = await observe(operator, options.durationSeconds, churn, processes);
    await running;
    const drainStarted = Date.now();
    await churn.cleanUp();
    await waitAllSettled(env, 300_000);
    return { ...figures, drainSeconds: round((Date.now() - drainStarted) / 1000), churnErrors: churn.errors, cloudCalls: env.sim.control.requests().length - callsBefore };
  } finally {
    await operator.stop();
  }
}

async function capacityPhase(env: BenchEnvironment, resources: readonly FleetResource[], launch: OperatorLaunch): Promise<PhaseFigures> {
  const { operator } = await startOperatorFor(env, launch, ['--resync-period', String(CAPACITY_RESYNC_SECONDS), ...clusterIdFlag(resources.map((r) => r.clusterId))], 'throughput-capacity');
  try {
    const processes = [...controlPlaneProcesses(), { name: 'operator', pid: operator.pid }];
    await sleep(2000);
    return await observe(operator, CAPACITY_WINDOW_SECONDS, undefined, processes);
  } finally {
    await operator.stop();
  }
}

export async function throughputBench(options: BenchOptions): Promise<Record<string, unknown>> {
  const launch = operatorLaunch(options);
  const env = await startEnvironment();
  try {
    const nodesPerResource = Math.max(1, Math.round(options.nodes / options.resources));
    const fleet = await loadFleet(env, { resources: options.resources, nodesPerResource });
    log(`throughput: loaded ${fleet.nodeCount} Nodes in ${round(fleet.loadSeconds.nodes)}s and ${options.resources} SandboxCapacities in ${round(fleet.loadSeconds.resources)}s`);
    const runs: Awaited<ReturnType<typeof churnPhase>>[] = [];
    for (let rep = 0; rep < options.repeat; rep++) {
      const f = await churnPhase(env, fleet.resources, launch, options);
      printPhase(`node churn, run ${rep + 1}/${options.repeat} (${options.durationSeconds}s, ${options.churnConcurrency} writers)`, f);
      log(`    drained and settled ${f.drainSeconds}s after churn stopped; ${f.churnErrors} churn write errors; ${f.cloudCalls} cloud calls`);
      runs.push(f);
    }
    const capacity = await capacityPhase(env, fleet.resources, launch);
    printPhase(`reconcile capacity (no churn, resync every ${CAPACITY_RESYNC_SECONDS}s = ${Math.round(options.resources / CAPACITY_RESYNC_SECONDS)} keys/s offered)`, capacity);
    return { bench: 'throughput', nodes: fleet.nodeCount, resources: options.resources, churnConcurrency: options.churnConcurrency, runs, capacity };
  } finally {
    await env.close();
  }
}
