// Reconcile cost against cluster size: the time one reconcile takes with the same 500 SandboxCapacities
// (10 Nodes each) when the Node cache holds 5,000 Nodes and then 20,000 — the 15,000 added Nodes are
// sandbox Nodes of other pools, which no resource counts. A reconcile that reads only the Nodes it
// counts costs the same at both sizes; one that scans the cache costs 4 × as much at 20,000.
// The floor is the figure at 5,000 Nodes, measured in the same run: the ratio is 20,000's over it.
// Nothing changes during a window, so no reconcile writes: every resource is resynced every second by
// one worker (so a reconcile's time is its own, not shared with concurrent ones), with --cluster-id
// set to the fleet's clusters so each reconcile plans the whole way, as in a real cluster.
import { sleep } from './support/clock.js';
import { newClusterId, startEnvironment, type BenchEnvironment } from './support/environment.js';
import { createNode, inParallel, loadFleet, nodeFor, type Fleet } from './support/fleet.js';
import { clusterIdFlag, operatorLaunch, startOperatorFor, type OperatorLaunch } from './support/operator-run.js';
import type { OperatorProcess } from './support/operator-process.js';
import { metricSum } from './support/prometheus-text.js';
import { log, type BenchOptions } from './support/report.js';
import { round, spread, type Spread } from './support/stats.js';

const NODES_PER_RESOURCE = 10;
const LARGE_FACTOR = 4;
const RESYNC_SECONDS = 1;
const WINDOW_SECONDS = 20;
const WARM_UP_SECONDS = 5;
/** Node indices of the uncounted Nodes start here, clear of the fleet's. */
const OTHER_POOLS_INDEX_BASE = 2_000_000;

interface Window {
  reconciles: number;
  reconcilesPerSecond: number;
  /** reconcile_time_seconds sum / count over the window. */
  meanReconcileMs: number;
  /** Operator CPU over the window, per reconcile. */
  cpuMsPerReconcile: number;
}

interface SizeFigures {
  nodes: number;
  windows: Window[];
  meanReconcileMs: Spread;
  cpuMsPerReconcile: Spread;
}

async function window(operator: OperatorProcess): Promise<Window> {
  const read = async (): Promise<{ count: number; sum: number; cpu: number; at: number }> => {
    const metrics = await operator.scrape();
    return {
      count: metricSum(metrics, 'controller_runtime_reconcile_time_seconds_count'), sum: metricSum(metrics, 'controller_runtime_reconcile_time_seconds_sum'),
      cpu: operator.cpuSeconds(), at: Date.now(),
    };
  };
  const first = await read();
  await sleep(WINDOW_SECONDS * 1000);
  const last = await read();
  const reconciles = last.count - first.count;
  return {
    reconciles, reconcilesPerSecond: round(reconciles / ((last.at - first.at) / 1000)),
    meanReconcileMs: round(((last.sum - first.sum) / Math.max(1, reconciles)) * 1000, 3),
    cpuMsPerReconcile: round(((last.cpu - first.cpu) / Math.max(1, reconciles)) * 1000, 3),
  };
}

async function measureSize(env: BenchEnvironment, launch: OperatorLaunch, fleet: Fleet, nodes: number, options: BenchOptions): Promise<SizeFigures> {
  const flags = ['--resync-period', String(RESYNC_SECONDS), '--workers', '1', ...clusterIdFlag(fleet.resources.map((r) => r.clusterId))];
  const { operator, syncSeconds } = await startOperatorFor(env, launch, flags, `reconcile-cost-${nodes}`);
  try {
    await sleep(WARM_UP_SECONDS * 1000);
    const windows: Window[] = [];
    for (let i = 0; i < options.repeat; i++) {
      const w = await window(operator);
      log(`  ${nodes} Nodes, window ${i + 1}/${options.repeat} (${WINDOW_SECONDS}s): mean reconcile ${w.meanReconcileMs} ms, operator CPU ${w.cpuMsPerReconcile} ms per reconcile, ${w.reconcilesPerSecond} reconciles/s (synced in ${round(syncSeconds)}s)`);
      windows.push(w);
    }
    return { nodes, windows, meanReconcileMs: spread(windows.map((w) => w.meanReconcileMs)), cpuMsPerReconcile: spread(windows.map((w) => w.cpuMsPerReconcile)) };
  } finally {
    await operator.stop();
  }
}

/** Sandbox Nodes of pools (clusters) no resource selects, NODES_PER_RESOURCE each. */
async function addUncountedNodes(env: BenchEnvironment, count: number): Promise<void> {
  const pools = Array.from({ length: Math.ceil(count / NODES_PER_RESOURCE) }, () => newClusterId());
  const jobs = Array.from({ length: count }, (_, i) => i);
  await inParallel(jobs, 24, async (i) => {
    const node = nodeFor(env, pools[Math.floor(i / NODES_PER_RESOURCE)] as string, OTHER_POOLS_INDEX_BASE + i);
    await createNode(env.kube, node.body);
  });
}

export async function reconcileCostBench(options: BenchOptions): Promise<Record<string, unknown>> {
  const launch = operatorLaunch(options);
  const env = await startEnvironment();
  try {
    const resources = Math.max(1, Math.round(options.nodes / NODES_PER_RESOURCE));
    const fleet = await loadFleet(env, { resources, nodesPerResource: NODES_PER_RESOURCE });
    log(`reconcile-cost: loaded ${fleet.nodeCount} Nodes in ${round(fleet.loadSeconds.nodes)}s and ${resources} SandboxCapacities in ${round(fleet.loadSeconds.resources)}s`);
    const small = await measureSize(env, launch, fleet, fleet.nodeCount, options);
    const extra = fleet.nodeCount * (LARGE_FACTOR - 1);
    const started = Date.now();
    await addUncountedNodes(env, extra);
    log(`reconcile-cost: added ${extra} Nodes no resource counts in ${round((Date.now() - started) / 1000)}s`);
    const large = await measureSize(env, launch, fleet, fleet.nodeCount + extra, options);
    const ratio = round(large.meanReconcileMs.median / small.meanReconcileMs.median, 2);
    const cpuRatio = round(large.cpuMsPerReconcile.median / small.cpuMsPerReconcile.median, 2);
    log(`reconcile-cost: mean reconcile ${small.meanReconcileMs.median} ms at ${small.nodes} Nodes (the floor), ${large.meanReconcileMs.median} ms at ${large.nodes}: ratio ${ratio} (target ≤ 1.5); CPU per reconcile ratio ${cpuRatio}`);
    return { bench: 'reconcile-cost', resources, nodesPerResource: NODES_PER_RESOURCE, resyncSeconds: RESYNC_SECONDS, workers: 1, small, large, ratio, cpuRatio };
  } finally {
    await env.close();
  }
}
