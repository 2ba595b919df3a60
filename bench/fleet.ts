// Fleet convergence under the default cloud budget (5 calls/s, burst 10): 500 SandboxCapacities across
// 50 simulated clusters (10 per cluster, told apart by a pool tag that becomes a Node label), settled at
// 0 replicas, then all scaled to SHORTFALL at once. Measured from the simulator's record of calls:
//   - when each resource's first ScaleOutCluster arrived, against the budget's lower bounds for sending
//     them all — (resources − burst) / qps for the requests alone, the same counting the one task-list
//     read per cluster a new shortfall needs (the first look), and the bound when, on top, every cluster
//     with a running task is listed every 2 × the poll interval (support/fleet-bound.ts schedules the
//     budget for it: filling clusters one by one, the cheapest order, and in the patches' round-robin
//     order, the one that keeps waits fair);
//   - fairness: the longest wait against the median;
//   - in budget: the most calls in any window of W seconds against burst + qps · W;
//   - every task's state refreshed (DescribeTaskInfo of it, or DescribeClusterTasks of its cluster)
//     at least every 2 × the poll interval while it runs: the longest gap over each task's whole run,
//     and in the steady window — after the last first request was sent (while requests wait they go
//     first) and before the first task ended (from then on each finished task needs its own
//     DescribeTaskInfo for its instance ids, and 500 of them compete for the same budget).
// Tasks run TASK_SECONDS, long enough for a steady window; parallel tasks per cluster are allowed, so
// refusals do not blur the budget's share.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLL_RUNNING_MS } from '../src/controller/core/schedule.js';
import type { RecordedRequest } from '../src/simulator/index.js';
import { clusterOf } from './support/cloud-arrivals.js';
import { fleetBound, type FleetBoundInput } from './support/fleet-bound.js';
import { sleep, waitFor } from './support/clock.js';
import { newClusterId, startEnvironment } from './support/environment.js';
import { capacityBody, capacityPath, inParallel } from './support/fleet.js';
import { clusterIdFlag, operatorLaunch, startOperatorFor, waitAllSettled } from './support/operator-run.js';
import { log, type BenchOptions } from './support/report.js';
import { percentile, round } from './support/stats.js';

const CLUSTERS = 50;
const SHORTFALL = 2;
const QPS = 5;
const BURST = 10;
const TASK_SECONDS = 240;
const JOIN_DELAY_MS = 1000;
const POOL_LABEL = 'bench.sandbox-capacity.dev/pool';
const BUDGET_WINDOWS_S = [1, 10, 60];

interface Resource {
  name: string;
  clusterId: string;
  pool: string;
  scaledAtMs?: number;
}

function poolOf(body: unknown): string | undefined {
  const tags = (body as { tags?: { key: string; value: string }[] } | undefined)?.tags ?? [];
  return tags.find((t) => t.key === POOL_LABEL)?.value;
}

const timeOf = (r: RecordedRequest): number => Date.parse(r.time);

/** Most calls in any window of `seconds`, against what the bucket allows in it. */
function budgetWindows(calls: readonly RecordedRequest[]): { seconds: number; maxCalls: number; allowed: number }[] {
  const times = calls.map(timeOf).sort((a, b) => a - b);
  return BUDGET_WINDOWS_S.map((seconds) => {
    let maxCalls = 0;
    let start = 0;
    for (let end = 0; end < times.length; end++) {
      while ((times[end] as number) - (times[start] as number) >= seconds * 1000) start++;
      maxCalls = Math.max(maxCalls, end - start + 1);
    }
    return { seconds, maxCalls, allowed: BURST + QPS * seconds };
  });
}

/** Per task, the times its state was read while it ran: DescribeTaskInfo of it, DescribeClusterTasks of its cluster. */
function refreshMarks(calls: readonly RecordedRequest[]): { createdMs: number; endMs: number; reads: number[] }[] {
  const accepted = calls.filter((r) => r.action === 'ScaleOutCluster' && r.status >= 200 && r.status < 300 && r.taskId !== undefined);
  const listsByCluster = new Map<string, number[]>();
  for (const r of calls) {
    const cluster = r.action === 'DescribeClusterTasks' ? clusterOf(r) : undefined;
    if (cluster !== undefined) listsByCluster.set(cluster, [...(listsByCluster.get(cluster) ?? []), timeOf(r)]);
  }
  return accepted.map((task) => {
    const createdMs = timeOf(task);
    const endMs = createdMs + TASK_SECONDS * 1000;
    const own = calls.filter((r) => r.action === 'DescribeTaskInfo' && r.path.includes(task.taskId as string)).map(timeOf);
    const reads = [...own, ...(listsByCluster.get(clusterOf(task) ?? '') ?? [])].filter((t) => t > createdMs && t <= endMs).sort((a, b) => a - b);
    return { createdMs, endMs, reads };
  });
}

/** Longest gap between consecutive reads (task start and end count as marks), each task's worst, in seconds. */
function worstGaps(tasks: ReturnType<typeof refreshMarks>): number[] {
  return tasks.map(({ createdMs, endMs, reads }) => {
    const marks = [createdMs, ...reads, endMs];
    let worst = 0;
    for (let i = 1; i < marks.length; i++) worst = Math.max(worst, (marks[i] as number) - (marks[i - 1] as number));
    return worst / 1000;
  });
}

/**
 * The steady window: after the last first request was sent, before the first task ended (only polls
 * then). Per task, the longest gap between two reads inside it, and the oldest its state got in it
 * (counting from its last read before the window).
 */
function steadyWindowGaps(tasks: ReturnType<typeof refreshMarks>, fromMs: number): { windowSeconds: number; gaps: number[]; ages: number[] } {
  const toMs = Math.min(...tasks.map((t) => t.endMs));
  const gaps: number[] = [];
  const ages: number[] = [];
  for (const { createdMs, reads } of tasks) {
    const inside = reads.filter((t) => t >= fromMs && t <= toMs);
    const before = [createdMs, ...reads.filter((t) => t < fromMs)].at(-1) as number;
    const marks = [Math.max(before, fromMs), ...inside, toMs];
    let gap = 0;
    for (let i = 1; i < marks.length; i++) gap = Math.max(gap, (marks[i] as number) - (marks[i - 1] as number));
    gaps.push(gap / 1000);
    ages.push(Math.max(gap, (inside[0] ?? toMs) - before) / 1000);
  }
  return { windowSeconds: Math.max(0, (toMs - fromMs) / 1000), gaps, ages };
}

function resourcesOf(clusters: readonly string[], count: number): Resource[] {
  return Array.from({ length: count }, (_, i) => ({ name: `fleet-${String(i).padStart(4, '0')}`, clusterId: clusters[i % clusters.length] as string, pool: `p${i}` }));
}

function bodyOf(r: Resource, replicas: number): Record<string, unknown> {
  const body = capacityBody(r.name, r.clusterId, { replicas });
  const spec = body.spec as { nodeSelector: { matchLabels: Record<string, string> }; scaleOut: Record<string, unknown> };
  spec.nodeSelector.matchLabels[POOL_LABEL] = r.pool;
  spec.scaleOut.tags = [{ key: POOL_LABEL, value: r.pool }];
  return body;
}

export async function fleetBench(options: BenchOptions): Promise<Record<string, unknown>> {
  const launch = operatorLaunch(options);
  const env = await startEnvironment({ taskDurationMs: TASK_SECONDS * 1000, joinDelayMs: JOIN_DELAY_MS });
  try {
    const clusters = Array.from({ length: CLUSTERS }, () => newClusterId());
    for (const c of clusters) env.addCluster(c, { maxConcurrentScaleOuts: 1000 });
    const resources = resourcesOf(clusters, options.resources);
    await inParallel(resources, 24, async (r) => { await env.kube.request('POST', capacityPath(env.namespace), bodyOf(r, 0)); });
    const flags = ['--cloud-qps', String(QPS), '--cloud-burst', String(BURST), ...clusterIdFlag(clusters)];
    const { operator } = await startOperatorFor(env, launch, flags, 'fleet');
    try {
      // Created more than the clocks' skew allowance ago (10 s), as a fleet that has run a while.
      await sleep(11_000);
      const sinceSeq = env.sim.control.requests().at(-1)?.seq ?? 0;
      const t0 = Date.now();
      await inParallel(resources, 24, async (r) => {
        r.scaledAtMs = Date.now();
        await env.kube.request('PATCH', capacityPath(env.namespace, r.name), { spec: { replicas: SHORTFALL } }, { contentType: 'application/merge-patch+json' });
      });
      log(`fleet: ${resources.length} resources in ${CLUSTERS} clusters scaled 0 → ${SHORTFALL} in ${round((Date.now() - t0) / 1000)}s; budget ${QPS}/s burst ${BURST}; tasks run ${TASK_SECONDS}s`);
      const firstRequests = (): Map<string, RecordedRequest> => {
        const first = new Map<string, RecordedRequest>();
        for (const r of env.sim.control.requests({ action: 'ScaleOutCluster', since: sinceSeq })) {
          const pool = poolOf(r.body);
          if (pool !== undefined && !first.has(pool)) first.set(pool, r);
        }
        return first;
      };
      await waitFor('every resource sent its first request', () => firstRequests().size >= resources.length || undefined, 900_000, 500);
      const first = firstRequests();
      await waitAllSettled(env, 900_000);
      const settledS = (Date.now() - t0) / 1000;
      const calls = env.sim.control.requests({ since: sinceSeq });
      writeFileSync(join(env.workDir, 'fleet-requests.json'), JSON.stringify(calls.map(({ seq, time, action, path, status, taskId }) => ({ seq, time, action, path, status, taskId }))));
      return figures({ resources, first, calls, t0, settledS });
    } finally {
      await operator.stop();
    }
  } finally {
    await env.close();
  }
}

function figures({ resources, first, calls, t0, settledS }: { resources: Resource[]; first: Map<string, RecordedRequest>; calls: RecordedRequest[]; t0: number; settledS: number }): Record<string, unknown> {
  const sentS = resources.map((r) => (timeOf(first.get(r.pool) as RecordedRequest) - t0) / 1000);
  const waitS = resources.map((r) => (timeOf(first.get(r.pool) as RecordedRequest) - (r.scaledAtMs ?? t0)) / 1000);
  const lastFirstS = Math.max(...sentS);
  const lowerBoundS = (resources.length - BURST) / QPS;
  const lowerBoundWithListsS = (resources.length + CLUSTERS - BURST) / QPS;
  const boundInput: FleetBoundInput = { clusters: CLUSTERS, resourcesPerCluster: resources.length / CLUSTERS, qps: QPS, burst: BURST, refreshEveryMs: 2 * POLL_RUNNING_MS, firstLook: true, order: 'by-cluster' };
  const refreshBoundS = fleetBound(boundInput).lastRequestSeconds;
  const refreshBoundFairOrderS = fleetBound({ ...boundInput, order: 'round-robin' }).lastRequestSeconds;
  const medianWaitS = percentile(waitS, 50);
  const maxWaitS = Math.max(...waitS);
  const windows = budgetWindows(calls);
  const marks = refreshMarks(calls);
  const overall = worstGaps(marks);
  const steady = steadyWindowGaps(marks, t0 + lastFirstS * 1000);
  const byAction: Record<string, number> = {};
  for (const c of calls) byAction[c.action ?? '?'] = (byAction[c.action ?? '?'] ?? 0) + 1;
  const result = {
    bench: 'fleet', resources: resources.length, clusters: CLUSTERS, shortfall: SHORTFALL, qps: QPS, burst: BURST, taskSeconds: TASK_SECONDS, pollIntervalSeconds: POLL_RUNNING_MS / 1000,
    lastFirstRequestSeconds: round(lastFirstS, 2), lowerBoundSeconds: lowerBoundS, ratioToLowerBound: round(lastFirstS / lowerBoundS, 3),
    lowerBoundWithFirstLooksSeconds: lowerBoundWithListsS, ratioToLowerBoundWithFirstLooks: round(lastFirstS / lowerBoundWithListsS, 3),
    lowerBoundWithRefreshSeconds: refreshBoundS, ratioToLowerBoundWithRefresh: round(lastFirstS / refreshBoundS, 3),
    lowerBoundWithRefreshRoundRobinSeconds: refreshBoundFairOrderS, ratioToLowerBoundWithRefreshRoundRobin: round(lastFirstS / refreshBoundFairOrderS, 3),
    waitSeconds: { p50: round(medianWaitS, 2), p99: round(percentile(waitS, 99), 2), max: round(maxWaitS, 2) }, maxOverMedianWait: round(maxWaitS / medianWaitS, 3),
    budgetWindows: windows, inBudget: windows.every((w) => w.maxCalls <= w.allowed),
    refreshGapSeconds: {
      bound: (2 * POLL_RUNNING_MS) / 1000, overallMax: round(Math.max(...overall), 2), overallP50: round(percentile(overall, 50), 2),
      steadyWindowSeconds: round(steady.windowSeconds, 1), steadyMax: round(Math.max(...steady.gaps), 2), steadyP50: round(percentile(steady.gaps, 50), 2),
      steadyOldestStateMax: round(Math.max(...steady.ages), 2),
    },
    calls: byAction, settledSeconds: round(settledS, 1),
  };
  log(`fleet: last first request at ${result.lastFirstRequestSeconds}s; lower bound ${lowerBoundS}s (ratio ${result.ratioToLowerBound}, target ≤ 1.1); with one task-list read per cluster ${lowerBoundWithListsS}s (ratio ${result.ratioToLowerBoundWithFirstLooks})`);
  log(`fleet: with every cluster that has a running task listed every ${(2 * POLL_RUNNING_MS) / 1000}s as well: lower bound ${refreshBoundS}s filling clusters one by one (ratio ${result.ratioToLowerBoundWithRefresh}, target ≤ 1.1), ${refreshBoundFairOrderS}s in the patches' round-robin order (ratio ${result.ratioToLowerBoundWithRefreshRoundRobin})`);
  log(`fleet: wait to first request p50 ${result.waitSeconds.p50}s, p99 ${result.waitSeconds.p99}s, max ${result.waitSeconds.max}s: max / median ${result.maxOverMedianWait} (target ≤ 2)`);
  log(`fleet: most calls in a window: ${windows.map((w) => `${w.maxCalls} in ${w.seconds}s (allowed ${w.allowed})`).join(', ')}: ${result.inBudget ? 'in budget' : 'OVER BUDGET'}`);
  const g = result.refreshGapSeconds;
  log(`fleet: longest refresh gap of a running task over its whole run ${g.overallMax}s (median task ${g.overallP50}s); bound ${g.bound}s`);
  log(`fleet: steady window (${g.steadyWindowSeconds}s after the last first request, before the first task ended): longest gap between reads ${g.steadyMax}s (median task ${g.steadyP50}s); oldest a state got ${g.steadyOldestStateMax}s`);
  log(`fleet: calls ${JSON.stringify(byAction)}; all settled after ${result.settledSeconds}s`);
  return result;
}
