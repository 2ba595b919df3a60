// Cloud calls: how many ScaleOutCluster and DescribeTaskInfo calls a convergence costs, against the
// minimum (⌈shortfall / maxNodesPerScaleOut⌉ scale-outs; per task at least one poll and at most
// ⌈task duration / poll interval⌉ + 1), and how many calls a settled fleet makes per hour (goal 0).
// Run twice: with ACK's rule of one running scale-out per cluster (the simulator's default) and with
// parallel scale-outs allowed, because the first turns split requests into "cluster busy" refusals.
// Then node-pool mode (node-pool-calls.ts): ModifyClusterNodePool writes and pool reads per convergence
// and at steady state, so one command reports both backends.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedRequest } from '../src/simulator/index.js';
import { POLL_RUNNING_MS } from '../src/controller/core/schedule.js';
import { nodePoolCallsBench } from './node-pool-calls.js';
import { clusterOf } from './support/cloud-arrivals.js';
import { sleep } from './support/clock.js';
import { startEnvironment, newClusterId, type BenchEnvironment } from './support/environment.js';
import { capacityBody, capacityPath, inParallel } from './support/fleet.js';
import { clusterIdFlag, operatorLaunch, startOperatorFor, waitAllSettled, type OperatorLaunch } from './support/operator-run.js';
import { log, type BenchOptions } from './support/report.js';
import { round } from './support/stats.js';

const MAX_NODES_PER_SCALE_OUT = 20;
const MAX_IN_FLIGHT_NODES = 40;
const JOIN_DELAY_MS = 1000;
/** Resyncs during the steady window, so "nothing to do" is tested many times, not once. */
const STEADY_RESYNC_SECONDS = 30;

interface Variant {
  name: 'ack-one-task-per-cluster' | 'parallel-tasks-allowed';
  maxConcurrentScaleOuts: number;
}

const VARIANTS: readonly Variant[] = [
  { name: 'ack-one-task-per-cluster', maxConcurrentScaleOuts: 1 },
  { name: 'parallel-tasks-allowed', maxConcurrentScaleOuts: 1000 },
];

interface ConvergenceFigures {
  variant: Variant['name'];
  resources: number;
  shortfall: number;
  convergeSeconds: number;
  minimumScaleOutsPerResource: number;
  scaleOutAccepted: number;
  scaleOutRefused: number;
  /** Accepted + refused per resource: min / max over the resources. */
  scaleOutCallsPerResource: { min: number; max: number };
  describeTaskInfo: number;
  pollsPerTask: { min: number; max: number; bound: number };
  describeClusterTasks: number;
  otherCalls: number;
  refusalCodes: Record<string, number>;
  /** Nodes requested in accepted calls beyond each resource's shortfall (must be 0). */
  overRequestedNodes: number;
  steadySeconds: number;
  steadyCalls: number;
  steadyCallsPerHour: number;
}

function countBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

function minMax(values: readonly number[]): { min: number; max: number } {
  return { min: values.length ? Math.min(...values) : 0, max: values.length ? Math.max(...values) : 0 };
}

function convergenceFigures(calls: readonly RecordedRequest[], clusters: readonly string[], options: BenchOptions): Omit<ConvergenceFigures, 'variant' | 'convergeSeconds' | 'steadySeconds' | 'steadyCalls' | 'steadyCallsPerHour'> {
  const scaleOuts = calls.filter((r) => r.action === 'ScaleOutCluster');
  const accepted = scaleOuts.filter((r) => r.status >= 200 && r.status < 300);
  const refused = scaleOuts.filter((r) => !(r.status >= 200 && r.status < 300));
  const perCluster = countBy(scaleOuts, clusterOf);
  const polls = calls.filter((r) => r.action === 'DescribeTaskInfo');
  const pollsPerTask = countBy(polls, (r) => /^\/tasks\/([^/]+)/.exec(r.path)?.[1]);
  const acceptedTasks = accepted.flatMap((r) => (r.taskId ? [r.taskId] : []));
  return {
    resources: clusters.length, shortfall: options.shortfall,
    minimumScaleOutsPerResource: Math.ceil(options.shortfall / MAX_NODES_PER_SCALE_OUT),
    scaleOutAccepted: accepted.length, scaleOutRefused: refused.length,
    scaleOutCallsPerResource: minMax(clusters.map((c) => perCluster.get(c) ?? 0)),
    describeTaskInfo: polls.length,
    pollsPerTask: { ...minMax(acceptedTasks.map((t) => pollsPerTask.get(t) ?? 0)), bound: Math.ceil((options.taskSeconds * 1000) / POLL_RUNNING_MS) + 1 },
    describeClusterTasks: calls.filter((r) => r.action === 'DescribeClusterTasks').length,
    otherCalls: calls.filter((r) => !['ScaleOutCluster', 'DescribeTaskInfo', 'DescribeClusterTasks'].includes(r.action ?? '')).length,
    refusalCodes: Object.fromEntries(countBy(refused, (r) => r.code ?? String(r.status))),
    overRequestedNodes: clusters.reduce((sum, c) => {
      const requested = accepted.filter((r) => clusterOf(r) === c).reduce((n, r) => n + Number((r.body as { count?: unknown } | undefined)?.count ?? 0), 0);
      return sum + Math.max(0, requested - options.shortfall);
    }, 0),
  };
}

async function runVariant(variant: Variant, options: BenchOptions, launch: OperatorLaunch): Promise<ConvergenceFigures> {
  const env: BenchEnvironment = await startEnvironment({ taskDurationMs: options.taskSeconds * 1000, joinDelayMs: JOIN_DELAY_MS });
  try {
    // Known before the operator starts: it buys only for the clusters it is told it runs in.
    const clusters = Array.from({ length: options.convergeResources }, () => newClusterId());
    for (const c of clusters) env.addCluster(c, { maxConcurrentScaleOuts: variant.maxConcurrentScaleOuts });
    const { operator } = await startOperatorFor(env, launch, ['--resync-period', String(STEADY_RESYNC_SECONDS), ...clusterIdFlag(clusters)], `cloud-calls-${variant.name}`);
    try {
      const limits = { maxNodesPerScaleOut: MAX_NODES_PER_SCALE_OUT, maxInFlightNodes: MAX_IN_FLIGHT_NODES, taskTimeout: '30m', joinGracePeriod: '10m' };
      const started = Date.now();
      await inParallel(clusters, 8, async (clusterId, i) => {
        await env.kube.request('POST', capacityPath(env.namespace), capacityBody(`converge-${i}`, clusterId, { replicas: options.shortfall, limits }));
      });
      await sleep(1000);
      await waitAllSettled(env, 1_800_000);
      const convergeSeconds = (Date.now() - started) / 1000;
      const converged = env.sim.control.requests();
      writeFileSync(join(env.workDir, `requests-${variant.name}.json`), JSON.stringify(converged.map(({ seq, time, action, path, status, code, taskId, body }) => ({ seq, time, action, path, status, code, taskId, count: (body as { count?: number } | undefined)?.count }))));
      const figures = convergenceFigures(converged, clusters, options);
      const lastSeq = converged.at(-1)?.seq ?? 0;
      log(`  [${variant.name}] converged in ${round(convergeSeconds)}s; steady window ${options.steadySeconds}s (resync every ${STEADY_RESYNC_SECONDS}s)`);
      await sleep(options.steadySeconds * 1000);
      const steadyCalls = env.sim.control.requests({ since: lastSeq }).length;
      return {
        variant: variant.name, ...figures, convergeSeconds: round(convergeSeconds),
        steadySeconds: options.steadySeconds, steadyCalls, steadyCallsPerHour: round((steadyCalls * 3600) / options.steadySeconds),
      };
    } finally {
      await operator.stop();
    }
  } finally {
    await env.close();
  }
}

function printVariant(f: ConvergenceFigures): void {
  log(`  ${f.variant}: ${f.resources} resources × shortfall ${f.shortfall} (maxNodesPerScaleOut ${MAX_NODES_PER_SCALE_OUT}, maxInFlightNodes ${MAX_IN_FLIGHT_NODES})`);
  log(`    ScaleOutCluster: ${f.scaleOutAccepted} accepted + ${f.scaleOutRefused} refused ${JSON.stringify(f.refusalCodes)}; per resource ${f.scaleOutCallsPerResource.min}–${f.scaleOutCallsPerResource.max}, minimum ${f.minimumScaleOutsPerResource}`);
  log(`    DescribeTaskInfo: ${f.describeTaskInfo} (per task ${f.pollsPerTask.min}–${f.pollsPerTask.max}, bound 1–${f.pollsPerTask.bound}); DescribeClusterTasks ${f.describeClusterTasks}; other ${f.otherCalls}`);
  log(`    nodes requested beyond the shortfall: ${f.overRequestedNodes}`);
  log(`    steady state: ${f.steadyCalls} calls in ${f.steadySeconds}s → ${f.steadyCallsPerHour} calls/hour`);
}

export async function cloudCallsBench(options: BenchOptions): Promise<Record<string, unknown>> {
  const launch = operatorLaunch(options);
  const runs: ConvergenceFigures[] = [];
  for (const variant of VARIANTS) {
    log(`cloud-calls: ${variant.name}, task duration ${options.taskSeconds}s, poll interval ${POLL_RUNNING_MS / 1000}s, join delay ${JOIN_DELAY_MS / 1000}s`);
    const f = await runVariant(variant, options, launch);
    printVariant(f);
    runs.push(f);
  }
  // Node-pool mode, the path ACK supports today: writes and reads per convergence and at steady state,
  // measured the same way (also on its own as `npm run bench -- node-pool-calls`).
  const nodePool = await nodePoolCallsBench(options);
  return { bench: 'cloud-calls', pollIntervalSeconds: POLL_RUNNING_MS / 1000, taskSeconds: options.taskSeconds, runs, nodePool: nodePool.result };
}
