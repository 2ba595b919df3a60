// Node-pool cloud calls: how many ModifyClusterNodePool writes and DescribeClusterNodePoolDetail reads
// a convergence costs in node-pool mode, against the minimum (⌈shortfall / maxNodesPerScaleOut⌉
// writes, bounded further by maxInFlightNodes; at least one read per write plus the first), how many
// nodes were asked for beyond spec.replicas (must be 0), and how many calls a settled fleet makes per
// hour (one read per resource per resync period: drift detection).
// A separate benchmark from cloud-calls (ScaleOutCluster mode), run the same way.
import type { RecordedRequest } from '../src/simulator/index.js';
import { POLL_RUNNING_MS } from '../src/controller/core/schedule.js';
import { clusterOf } from './support/cloud-arrivals.js';
import { sleep } from './support/clock.js';
import { startEnvironment, newClusterId } from './support/environment.js';
import { capacityBody, capacityPath, inParallel } from './support/fleet.js';
import { operatorLaunch, startOperatorFor, waitAllSettled } from './support/operator-run.js';
import { log, type BenchOptions } from './support/report.js';
import { round } from './support/stats.js';

const MAX_NODES_PER_SCALE_OUT = 20;
const MAX_IN_FLIGHT_NODES = 40;
const JOIN_DELAY_MS = 1000;
const STEADY_RESYNC_SECONDS = 30;
const POOL = 'np-bench';

function accepted(r: RecordedRequest): boolean {
  return r.status >= 200 && r.status < 300;
}

function figuresOf(calls: readonly RecordedRequest[], clusters: readonly string[], desiredOf: (clusterId: string) => number, options: BenchOptions): Record<string, unknown> {
  const writes = calls.filter((r) => r.action === 'ModifyClusterNodePool');
  const reads = calls.filter((r) => r.action === 'DescribeClusterNodePoolDetail');
  const perCluster = (list: readonly RecordedRequest[]): { min: number; max: number } => {
    const counts = clusters.map((c) => list.filter((r) => clusterOf(r) === c).length);
    return { min: Math.min(...counts), max: Math.max(...counts) };
  };
  return {
    resources: clusters.length, shortfall: options.shortfall,
    minimumWritesPerResource: Math.ceil(options.shortfall / MAX_NODES_PER_SCALE_OUT),
    writesAccepted: writes.filter(accepted).length, writesRefused: writes.filter((r) => !accepted(r)).length,
    writesPerResource: perCluster(writes), readsPerResource: perCluster(reads), reads: reads.length,
    describeTaskInfo: calls.filter((r) => r.action === 'DescribeTaskInfo').length,
    otherCalls: calls.filter((r) => !['ModifyClusterNodePool', 'DescribeClusterNodePoolDetail', 'DescribeTaskInfo'].includes(r.action ?? '')).length,
    overRequestedNodes: clusters.reduce((sum, c) => sum + Math.max(0, desiredOf(c) - options.shortfall), 0),
  };
}

export async function nodePoolCallsBench(options: BenchOptions): Promise<Record<string, unknown>> {
  const launch = operatorLaunch(options);
  log(`node-pool-calls: ${options.convergeResources} resources × shortfall ${options.shortfall}, pool task ${options.taskSeconds}s, poll interval ${POLL_RUNNING_MS / 1000}s`);
  const env = await startEnvironment({ taskDurationMs: options.taskSeconds * 1000, joinDelayMs: JOIN_DELAY_MS });
  try {
    const clusters = Array.from({ length: options.convergeResources }, () => newClusterId());
    for (const c of clusters) env.addCluster(c, { nodePools: [{ nodepoolId: POOL, name: 'sandbox' }] });
    // No Node exists yet to tell the operator its cluster: name them (a test bed of several clusters).
    const { operator } = await startOperatorFor(env, launch, ['--resync-period', String(STEADY_RESYNC_SECONDS), '--cluster-id', clusters.join(',')], 'node-pool-calls');
    try {
      const limits = { maxNodesPerScaleOut: MAX_NODES_PER_SCALE_OUT, maxInFlightNodes: MAX_IN_FLIGHT_NODES, taskTimeout: '30m', joinGracePeriod: '10m' };
      const started = Date.now();
      await inParallel(clusters, 8, async (clusterId, i) => {
        const body = capacityBody(`pool-${i}`, clusterId, { replicas: options.shortfall, limits });
        const spec = body.spec as Record<string, unknown>;
        delete spec.scaleOut;
        spec.nodePool = { id: POOL };
        await env.kube.request('POST', capacityPath(env.namespace), body);
      });
      await sleep(1000);
      await waitAllSettled(env, 1_800_000);
      const convergeSeconds = (Date.now() - started) / 1000;
      const converged = env.sim.control.requests();
      const figures = figuresOf(converged, clusters, (c) => env.sim.control.getNodePool(c, POOL)?.desiredSize ?? 0, options);
      const lastSeq = converged.at(-1)?.seq ?? 0;
      log(`  converged in ${round(convergeSeconds)}s; steady window ${options.steadySeconds}s (resync every ${STEADY_RESYNC_SECONDS}s)`);
      await sleep(options.steadySeconds * 1000);
      const steady = env.sim.control.requests({ since: lastSeq });
      const result = {
        ...figures, convergeSeconds: round(convergeSeconds), steadySeconds: options.steadySeconds, steadyCalls: steady.length,
        steadyReads: steady.filter((r) => r.action === 'DescribeClusterNodePoolDetail').length,
        steadyWrites: steady.filter((r) => r.action === 'ModifyClusterNodePool').length,
        steadyCallsPerHour: round((steady.length * 3600) / options.steadySeconds),
      };
      log(`  ${JSON.stringify(result)}`);
      return { bench: 'node-pool-calls', pollIntervalSeconds: POLL_RUNNING_MS / 1000, taskSeconds: options.taskSeconds, result };
    } finally {
      await operator.stop();
    }
  } finally {
    await env.close();
  }
}
