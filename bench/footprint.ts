// Footprint: the operator's RSS and heap after it synced 5,000 kubelet-like sandbox Nodes and 500
// SandboxCapacities (all satisfied), and its CPU over a quiet window. The same operator is first
// measured on an empty cluster, to separate the fixed cost of Node.js + libraries from the caches,
// and both are set against the floor: an empty `node -e` with the same Node.js flags, same run.
import { loadavg } from 'node:os';
import { sleep } from './support/clock.js';
import { startEnvironment, type BenchEnvironment } from './support/environment.js';
import { loadFleet } from './support/fleet.js';
import type { OperatorProcess } from './support/operator-process.js';
import { clusterIdFlag, operatorLaunch, startOperatorFor, type OperatorLaunch } from './support/operator-run.js';
import { measureNodeFloor } from './support/node-floor.js';
import { log, type BenchOptions } from './support/report.js';
import { formatSpread, mib, round, spread } from './support/stats.js';

const SETTLE_AFTER_SYNC_MS = 10_000;
const PREFIX = 'sandbox_capacity_';

interface Window {
  cpuSeconds: number;
  /** CPU share of one core over the window, in percent. */
  cpuPercent: number;
  reconciles: number;
  cloudCalls: number;
}

interface Measurement {
  syncSeconds: number;
  settleSeconds: number;
  rssMiB: number;
  peakRssMiB: number;
  /** RSS after sync in its two parts: anonymous (heap, malloc) and file-backed (the node binary's pages). */
  anonMiB: number;
  fileMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  /** Nothing changes: no writes to Nodes or SandboxCapacities. */
  quiet: Window;
  /** Every Node's status heartbeat once per KUBELET_STATUS_PERIOD_S, as kubelets post them. */
  heartbeats?: Window;
  rssAfterIdleMiB: number;
  /** After a forced full GC: live heap, and RSS (V8 may keep freed pages, so RSS drops less). */
  heapUsedAfterGcMiB: number;
  rssAfterGcMiB: number;
  /** The machine's 1-minute load average when RSS after sync was read (2 cores, shared). */
  loadAverage: number;
}

/** controller-runtime's reconcile-time histogram: its count is the number of reconciles. */
const RECONCILES = 'controller_runtime_reconcile_time_seconds_count';

/** kubelet's nodeStatusReportFrequency: an unchanged Node status is still posted every 5 minutes. */
const KUBELET_STATUS_PERIOD_S = 300;

async function window(env: BenchEnvironment, operator: OperatorProcess, seconds: number, during?: (untilMs: number) => Promise<void>): Promise<Window> {
  const cpuBefore = operator.cpuSeconds();
  const reconcilesBefore = await operator.metric(RECONCILES);
  const callsBefore = env.sim.control.requests().length;
  const until = Date.now() + seconds * 1000;
  await Promise.all([sleep(seconds * 1000), during?.(until)]);
  const cpuSeconds = operator.cpuSeconds() - cpuBefore;
  return {
    cpuSeconds: round(cpuSeconds, 2), cpuPercent: round((cpuSeconds / seconds) * 100, 2),
    reconciles: (await operator.metric(RECONCILES)) - reconcilesBefore,
    cloudCalls: env.sim.control.requests().length - callsBefore,
  };
}

/** Posts Ready heartbeats (strategic merge on /status) so each Node gets one per KUBELET_STATUS_PERIOD_S. */
async function heartbeats(env: BenchEnvironment, nodes: readonly string[], untilMs: number): Promise<void> {
  const intervalMs = (KUBELET_STATUS_PERIOD_S * 1000) / nodes.length;
  const started = Date.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; Date.now() < untilMs; i++) {
    const name = nodes[i % nodes.length] ?? '';
    const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    pending.push(env.kube.request('PATCH', `/api/v1/nodes/${name}/status`, {
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: at }] },
    }, { contentType: 'application/strategic-merge-patch+json' }).catch(() => undefined));
    await sleep(Math.max(0, started + (i + 1) * intervalMs - Date.now()));
  }
  await Promise.all(pending);
}

/** `load`: the fleet's Nodes (for heartbeats) and the operator flags it needs. */
async function measure(env: BenchEnvironment, launch: OperatorLaunch, label: string, idleSeconds: number, load: { nodes: readonly string[]; flags: readonly string[] }): Promise<Measurement> {
  const { nodes, flags } = load;
  const { operator, syncSeconds, settleSeconds } = await startOperatorFor(env, launch, flags, label);
  try {
    await sleep(SETTLE_AFTER_SYNC_MS);
    const memory = operator.memory();
    const loadAverage = round(loadavg()[0] ?? NaN, 2);
    const metrics = await operator.scrape();
    const value = (name: string): number => metrics.find((s) => s.name === PREFIX + name)?.value ?? NaN;
    const quiet = await window(env, operator, idleSeconds);
    const beats = nodes.length > 0 ? await window(env, operator, idleSeconds, (until) => heartbeats(env, nodes, until)) : undefined;
    const rssAfterIdleMiB = mib(operator.memory().rssBytes);
    await operator.collectGarbage();
    const heapUsedAfterGcMiB = mib(await operator.metric(`${PREFIX}process_nodejs_heap_size_used_bytes`));
    return {
      syncSeconds: round(syncSeconds, 2), settleSeconds: round(settleSeconds, 2),
      rssMiB: mib(memory.rssBytes), peakRssMiB: mib(memory.peakRssBytes), anonMiB: mib(memory.anonBytes), fileMiB: mib(memory.fileBytes),
      heapUsedMiB: mib(value('process_nodejs_heap_size_used_bytes')), heapTotalMiB: mib(value('process_nodejs_heap_size_total_bytes')),
      externalMiB: mib(value('process_nodejs_external_memory_bytes')),
      quiet, ...(beats ? { heartbeats: beats } : {}),
      rssAfterIdleMiB, heapUsedAfterGcMiB, rssAfterGcMiB: mib(operator.memory().rssBytes), loadAverage,
    };
  } finally {
    await operator.stop();
  }
}

function printMeasurement(title: string, m: Measurement, floorMiB: number): void {
  log(`  ${title} (load ${m.loadAverage}): synced ${m.syncSeconds}s, settled ${m.settleSeconds}s; RSS ${m.rssMiB} MiB (peak ${m.peakRssMiB}; anon ${m.anonMiB}, file ${m.fileMiB}), heap used ${m.heapUsedMiB} / total ${m.heapTotalMiB} MiB, external ${m.externalMiB} MiB; ` +
    `quiet: ${m.quiet.cpuSeconds} CPU-s (${m.quiet.cpuPercent} % of a core), ${m.quiet.reconciles} reconciles, ${m.quiet.cloudCalls} cloud calls; ` +
    (m.heartbeats ? `kubelet heartbeats: ${m.heartbeats.cpuSeconds} CPU-s (${m.heartbeats.cpuPercent} %), ${m.heartbeats.reconciles} reconciles, ${m.heartbeats.cloudCalls} cloud calls; ` : '') +
    `RSS after idle ${m.rssAfterIdleMiB} MiB; ` +
    `after a full GC: heap used ${m.heapUsedAfterGcMiB} MiB, RSS ${m.rssAfterGcMiB} MiB; ` +
    `RSS after sync / floor: ${ratio(m.rssMiB, floorMiB)} ×`);
}

function ratio(a: number, b: number): number {
  return round(a / b, 2);
}

export async function footprintBench(options: BenchOptions): Promise<Record<string, unknown>> {
  const launch = operatorLaunch(options);
  const env = await startEnvironment();
  try {
    const floor = await measureNodeFloor(launch.nodeArgs);
    const floorMiB = mib(floor.memory.rssBytes);
    log(`footprint: floor (an empty Node.js process, load ${round(loadavg()[0] ?? NaN, 2)}): ${floor.command}: RSS ${floorMiB} MiB ` +
      `(anon ${mib(floor.memory.anonBytes)}, file ${mib(floor.memory.fileBytes)})`);
    log('footprint: baseline (no Nodes, no SandboxCapacities)');
    const baseline = await measure(env, launch, 'footprint-empty', Math.min(options.idleSeconds, 20), { nodes: [], flags: [] });
    printMeasurement('empty', baseline, floorMiB);
    const nodesPerResource = Math.max(1, Math.round(options.nodes / options.resources));
    const fleet = await loadFleet(env, { resources: options.resources, nodesPerResource });
    log(`footprint: loaded ${fleet.nodeCount} Nodes in ${round(fleet.loadSeconds.nodes)}s and ${options.resources} SandboxCapacities in ${round(fleet.loadSeconds.resources)}s`);
    const runs: Measurement[] = [];
    for (let rep = 0; rep < options.repeat; rep++) {
      // --cluster-id: the resources plan the whole way (else they plan as ClusterUnknown, the ownership guard).
      const m = await measure(env, launch, `footprint-${rep + 1}`, options.idleSeconds, {
        nodes: fleet.resources.flatMap((r) => r.nodes), flags: clusterIdFlag(fleet.resources.map((r) => r.clusterId)),
      });
      printMeasurement(`run ${rep + 1}/${options.repeat}`, m, floorMiB);
      runs.push(m);
    }
    const of = (pick: (m: Measurement) => number): ReturnType<typeof spread> => spread(runs.map(pick));
    log(`  RSS after sync (MiB): ${formatSpread(runs.map((m) => m.rssMiB))}, ${formatSpread(runs.map((m) => ratio(m.rssMiB, floorMiB)), 2)} × the floor ` +
      `(${floorMiB} MiB); empty cluster: ${baseline.rssMiB} MiB, ${ratio(baseline.rssMiB, floorMiB)} ×; heap used (MiB): ${formatSpread(runs.map((m) => m.heapUsedMiB))}; ` +
      `quiet CPU (% of a core): ${formatSpread(runs.map((m) => m.quiet.cpuPercent), 2)}; with heartbeats: ${formatSpread(runs.map((m) => m.heartbeats?.cpuPercent ?? NaN), 2)}`);
    return {
      bench: 'footprint', nodes: fleet.nodeCount, resources: options.resources, idleSeconds: options.idleSeconds,
      floor: { command: floor.command, rssMiB: floorMiB, anonMiB: mib(floor.memory.anonBytes), fileMiB: mib(floor.memory.fileBytes) }, baseline, runs,
      summary: { rssMiB: of((m) => m.rssMiB), rssToFloor: of((m) => ratio(m.rssMiB, floorMiB)), emptyRssToFloor: ratio(baseline.rssMiB, floorMiB), heapUsedAfterGcMiB: of((m) => m.heapUsedAfterGcMiB), peakRssMiB: of((m) => m.peakRssMiB), heapUsedMiB: of((m) => m.heapUsedMiB), quietCpuPercent: of((m) => m.quiet.cpuPercent), heartbeatCpuPercent: of((m) => m.heartbeats?.cpuPercent ?? NaN), syncSeconds: of((m) => m.syncSeconds) },
    };
  } finally {
    await env.close();
  }
}
