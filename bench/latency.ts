// Reaction latency: from a SandboxCapacity write (create, replicas change) or a Node deletion to the
// ScaleOutCluster call arriving at the simulator, measured side by side with a bare watch client on
// the same kube-apiserver receiving the same event (the physical limit). Every sample starts from a
// settled resource and waits until it is settled again, so samples never queue behind each other.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxCapacity } from '../src/api/sandbox-capacity.js';
import { clusterOf } from './support/cloud-arrivals.js';
import { nowMs, sleep, waitFor } from './support/clock.js';
import { newClusterId, startEnvironment, type BenchEnvironment } from './support/environment.js';
import { capacityBody, capacityPath, isSettled, loadFleet, type FleetResource } from './support/fleet.js';
import type { WatchEvent } from './support/kube-http.js';
import { CLUSTER_LABEL } from './support/node-factory.js';
import { BENCH_CLOUD_QPS, type OperatorProcess } from './support/operator-process.js';
import { clusterIdFlag, operatorLaunch, startOperatorFor, type OperatorLaunch } from './support/operator-run.js';
import { metricSum } from './support/prometheus-text.js';
import { log, type BenchOptions } from './support/report.js';
import { formatSpread, percentile, round, spread, type Spread } from './support/stats.js';
import { WatchHub, type Stream } from './support/watch-hub.js';

export type SampleKind = 'create' | 'replicas' | 'node-delete';
const KINDS: readonly SampleKind[] = ['create', 'replicas', 'node-delete'];
const WARM_UP_ROUNDS = 5;
const EVENT_TIMEOUT_MS = 30_000;
const SETTLE_TIMEOUT_MS = 60_000;

interface Sample {
  kind: SampleKind;
  /** Epoch ms the write was sent (kept in the run's samples file for analysis). */
  sentAt: number;
  /** Write sent → ScaleOutCluster recorded by the simulator. */
  operatorMs: number;
  /** Write sent → the bare watch parsed the event. */
  watchMs: number;
  /** Write sent → the write's own response (one API server round trip with an etcd write). */
  writeMs: number;
}

interface Probe {
  stream: Stream;
  clusterId: string;
  match: (event: WatchEvent) => boolean;
  write: (onSend: () => void) => Promise<void>;
  after?: () => Promise<void>;
  resourceName: string;
}

class Sampler {
  constructor(private readonly env: BenchEnvironment, private readonly hub: WatchHub, private readonly operator: OperatorProcess) {}

  async take(kind: SampleKind, probe: Probe): Promise<Sample> {
    const watched = this.hub.expect(probe.stream, probe.match, EVENT_TIMEOUT_MS);
    const arrived = this.env.arrivals.next((r) => r.action === 'ScaleOutCluster' && clusterOf(r) === probe.clusterId, EVENT_TIMEOUT_MS);
    const callsBefore = this.env.sim.control.requests().length;
    let sentAt = 0;
    await probe.write(() => { sentAt = nowMs(); });
    const writtenAt = nowMs();
    const [watchAt, arrival] = await Promise.all([watched, arrived]).catch((err: unknown) => this.explain(kind, probe.resourceName, err));
    await this.settle(probe.resourceName).catch((err: unknown) => this.explain(kind, probe.resourceName, err));
    await probe.after?.();
    await this.refillCloudBudget(callsBefore);
    return { kind, sentAt, operatorMs: arrival.at - sentAt, watchMs: watchAt - sentAt, writeMs: writtenAt - sentAt };
  }

  /** Fails the run saying what the operator made of the sample: the resource as the server has it. */
  private async explain(kind: SampleKind, name: string, err: unknown): Promise<never> {
    const sc = await this.env.kube.get<SandboxCapacity>(capacityPath(this.env.namespace, name)).catch(() => undefined);
    const status = sc?.status;
    const summary = {
      generation: sc?.metadata.generation, specReplicas: sc?.spec.replicas, observedGeneration: status?.observedGeneration,
      replicas: status?.replicas, inFlightReplicas: status?.inFlightReplicas, lastDecision: status?.lastDecision,
      tasks: (status?.tasks ?? []).slice(0, 3).map((t) => ({ state: t.state, count: t.count, taskId: t.taskId, startTime: t.startTime })),
    };
    const calls = this.env.sim.control.requests().map(({ seq, time, action, path, status, code, taskId, body }) => ({ seq, time, action, path, status, code, taskId, count: (body as { count?: number } | undefined)?.count }));
    writeFileSync(join(this.env.workDir, 'requests-at-failure.json'), JSON.stringify(calls));
    const nodes = await this.env.kube.get<{ items: unknown[] }>('/api/v1/nodes').catch(() => ({ items: [] }));
    writeFileSync(join(this.env.workDir, 'nodes-at-failure.json'), JSON.stringify(nodes.items));
    writeFileSync(join(this.env.workDir, 'sim-nodes-at-failure.json'), JSON.stringify(this.env.sim.control.listClusters().map((c) => ({ c: c.clusterId, nodes: this.env.sim.control.listNodes(c.clusterId) }))));
    const metrics = await this.operator.scrape().catch(() => []);
    const queue = Object.fromEntries(['workqueue_depth', 'controller_runtime_reconcile_time_seconds_count', 'sandbox_capacity_informer_restarts_total'].map((m) => [m, metricSum(metrics, m)]));
    throw new Error(`${kind} sample on ${name}: ${err instanceof Error ? err.message : String(err)}; resource now: ${JSON.stringify(summary)}; operator: ${JSON.stringify(queue)}`);
  }

  /**
   * Back-to-back samples would spend the operator's cloud budget (BENCH_CLOUD_QPS) faster than it
   * refills, and the next ScaleOutCluster would then wait for a token: that is the limiter doing its
   * job, not reaction latency. Waiting for the calls of this sample to be refilled keeps it out.
   */
  private async refillCloudBudget(callsBefore: number): Promise<void> {
    const calls = this.env.sim.control.requests().length - callsBefore;
    await sleep(Math.ceil((calls * 1000) / BENCH_CLOUD_QPS));
  }

  private async settle(name: string): Promise<void> {
    await waitFor(`${name} settled`, async () => isSettled(await this.env.kube.get<SandboxCapacity>(capacityPath(this.env.namespace, name))), SETTLE_TIMEOUT_MS, 10);
  }
}

function createProbe(env: BenchEnvironment, index: number, clusterId: string): Probe {
  const name = `fresh-${String(index).padStart(4, '0')}`;
  env.addCluster(clusterId);
  return {
    stream: 'capacities', clusterId, resourceName: name,
    match: (e) => e.type === 'ADDED' && e.object.metadata?.name === name,
    write: async (onSend) => { await env.kube.request('POST', capacityPath(env.namespace), capacityBody(name, clusterId, { replicas: 1 }), { onSend }); },
    after: () => env.kube.delete(capacityPath(env.namespace, name)),
  };
}

function replicasProbe(env: BenchEnvironment, r: FleetResource): Probe {
  const target = r.replicas + 1;
  return {
    stream: 'capacities', clusterId: r.clusterId, resourceName: r.name,
    match: (e) => e.type === 'MODIFIED' && e.object.metadata?.name === r.name && e.object.spec?.replicas === target,
    write: async (onSend) => {
      await env.kube.request('PATCH', capacityPath(env.namespace, r.name), { spec: { replicas: target } }, { contentType: 'application/merge-patch+json', onSend });
      r.replicas = target;
    },
  };
}

interface ListedNode {
  metadata: { name: string; creationTimestamp: string; deletionTimestamp?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

async function nodeDeleteProbe(env: BenchEnvironment, r: FleetResource): Promise<Probe> {
  const listed = await env.kube.get<{ items: ListedNode[] }>(`/api/v1/nodes?labelSelector=${encodeURIComponent(`${CLUSTER_LABEL}=${r.clusterId}`)}`);
  // The oldest Ready Node: long done registering, so nothing registers it again after the delete.
  const victim = listed.items
    .filter((n) => n.metadata.deletionTimestamp === undefined && (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'))
    .sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp))[0]?.metadata.name;
  if (victim === undefined) throw new Error(`${r.name} has no Node to delete`);
  return {
    stream: 'nodes', clusterId: r.clusterId, resourceName: r.name,
    match: (e) => e.type === 'DELETED' && e.object.metadata?.name === victim,
    write: async (onSend) => { await env.kube.delete(`/api/v1/nodes/${victim}`, onSend); },
  };
}

export interface KindFigures {
  samples: number;
  operatorP50Ms: number;
  operatorP99Ms: number;
  watchP50Ms: number;
  watchP99Ms: number;
  /** operator p99 / bare-watch p99: the target is ≤ 1.5. */
  ratioP99: number;
  ratioP50: number;
  /** Per sample operator − watch: what the operator adds after the event reached a watcher. */
  overheadP50Ms: number;
  overheadP99Ms: number;
  writeP50Ms: number;
  /**
   * Per sample bare watch + the write's own round trip: the floor for a controller that must persist
   * an intent before the cloud call (one more API write after the event). ratioFloorP99 = operator p99 / this p99.
   */
  floorP50Ms: number;
  floorP99Ms: number;
  ratioFloorP99: number;
}

export function figuresOf(samples: readonly Sample[]): KindFigures {
  const op = samples.map((s) => s.operatorMs);
  const watch = samples.map((s) => s.watchMs);
  const overhead = samples.map((s) => s.operatorMs - s.watchMs);
  const floor = samples.map((s) => s.watchMs + s.writeMs);
  const r = (v: number): number => round(v, 2);
  return {
    samples: samples.length,
    operatorP50Ms: r(percentile(op, 50)), operatorP99Ms: r(percentile(op, 99)),
    watchP50Ms: r(percentile(watch, 50)), watchP99Ms: r(percentile(watch, 99)),
    ratioP99: r(percentile(op, 99) / percentile(watch, 99)), ratioP50: r(percentile(op, 50) / percentile(watch, 50)),
    overheadP50Ms: r(percentile(overhead, 50)), overheadP99Ms: r(percentile(overhead, 99)),
    writeP50Ms: r(percentile(samples.map((s) => s.writeMs), 50)),
    floorP50Ms: r(percentile(floor, 50)), floorP99Ms: r(percentile(floor, 99)),
    ratioFloorP99: r(percentile(op, 99) / percentile(floor, 99)),
  };
}

export interface ScenarioFigures {
  scenario: 'single' | 'loaded';
  resources: number;
  nodes: number;
  kinds: Record<SampleKind, KindFigures>;
  all: KindFigures;
  clockSkewMs: number;
  seconds: number;
}

/** The clusters of the create samples, one per round, known before the operator starts (its --cluster-id). */
function freshClusterIds(rounds: number): string[] {
  return Array.from({ length: rounds }, () => newClusterId());
}

async function sampleRound(sampler: Sampler, env: BenchEnvironment, fleet: FleetResource[], round: number, fresh: readonly string[]): Promise<Sample[]> {
  const pick = (offset: number): FleetResource => fleet[(round + offset) % fleet.length] as FleetResource;
  const out: Sample[] = [];
  for (const kind of KINDS) {
    if (kind === 'create') out.push(await sampler.take(kind, createProbe(env, round, fresh[round] as string)));
    if (kind === 'replicas') out.push(await sampler.take(kind, replicasProbe(env, pick(0))));
    if (kind === 'node-delete') out.push(await sampler.take(kind, await nodeDeleteProbe(env, pick(Math.floor(fleet.length / 2)))));
  }
  return out;
}

async function takeSamples(sampler: Sampler, env: BenchEnvironment, fleet: FleetResource[], { rounds, scenario, fresh }: { rounds: number; scenario: string; fresh: readonly string[] }): Promise<Sample[]> {
  for (let i = 0; i < WARM_UP_ROUNDS; i++) await sampleRound(sampler, env, fleet, i, fresh);
  const samples: Sample[] = [];
  for (let i = 0; i < rounds; i++) {
    samples.push(...await sampleRound(sampler, env, fleet, WARM_UP_ROUNDS + i, fresh));
    if ((i + 1) % 50 === 0) log(`  [${scenario}] ${i + 1}/${rounds} rounds`);
  }
  return samples;
}

export async function runLatencyScenario(scenario: 'single' | 'loaded', options: BenchOptions, launch: OperatorLaunch): Promise<ScenarioFigures> {
  const resources = scenario === 'single' ? 1 : options.resources;
  const nodesPerResource = scenario === 'single' ? 10 : Math.max(1, Math.round(options.nodes / options.resources));
  const env = await startEnvironment();
  const started = Date.now();
  try {
    const fleet = await loadFleet(env, { resources, nodesPerResource });
    log(`  [${scenario}] loaded ${fleet.nodeCount} Nodes in ${round(fleet.loadSeconds.nodes)}s and ${resources} SandboxCapacities in ${round(fleet.loadSeconds.resources)}s`);
    // The operator buys only for the clusters it is told it runs in (the ownership guard).
    const fresh = freshClusterIds(WARM_UP_ROUNDS + options.samples);
    const clusterFlag = clusterIdFlag([...fleet.resources.map((r) => r.clusterId), ...fresh]);
    const { operator, syncSeconds, settleSeconds } = await startOperatorFor(env, launch, clusterFlag, `latency-${scenario}`);
    log(`  [${scenario}] operator synced in ${round(syncSeconds)}s, all settled after ${round(settleSeconds)}s`);
    const hub = await WatchHub.start(env.kube, env.namespace);
    try {
      const samples = await takeSamples(new Sampler(env, hub, operator), env, fleet.resources, { rounds: options.samples, scenario, fresh });
      writeFileSync(join(env.workDir, `samples-${scenario}.json`), JSON.stringify(samples));
      const kinds = Object.fromEntries(KINDS.map((k) => [k, figuresOf(samples.filter((s) => s.kind === k))])) as Record<SampleKind, KindFigures>;
      return {
        scenario, resources, nodes: fleet.nodeCount, kinds, all: figuresOf(samples),
        clockSkewMs: round(env.arrivals.maxSkewMs, 2), seconds: round((Date.now() - started) / 1000),
      };
    } finally {
      hub.stop();
      await operator.stop();
    }
  } finally {
    await env.close();
  }
}

export function printScenario(f: ScenarioFigures): void {
  log(`  reaction latency, ${f.scenario}: ${f.resources} SandboxCapacit${f.resources === 1 ? 'y' : 'ies'}, ${f.nodes} Nodes loaded`);
  log('    kind          n    operator p50/p99 ms   bare watch p50/p99 ms   ratio p50/p99   overhead p50/p99 ms   watch+write p50/p99 ms   ratio to it p99');
  for (const [kind, k] of [...Object.entries(f.kinds), ['all', f.all] as const]) {
    log(`    ${kind.padEnd(12)} ${String(k.samples).padStart(4)}   ${`${k.operatorP50Ms} / ${k.operatorP99Ms}`.padEnd(20)}  ${`${k.watchP50Ms} / ${k.watchP99Ms}`.padEnd(22)}  ${`${k.ratioP50} / ${k.ratioP99}`.padEnd(14)}  ` +
      `${`${k.overheadP50Ms} / ${k.overheadP99Ms}`.padEnd(20)}  ${`${k.floorP50Ms} / ${k.floorP99Ms}`.padEnd(23)}  ${k.ratioFloorP99}`);
  }
}

export async function latencyBench(options: BenchOptions): Promise<Record<string, unknown>> {
  const launch = operatorLaunch(options);
  const scenarios: ('single' | 'loaded')[] = options.scenario === 'both' ? ['single', 'loaded'] : [options.scenario];
  const runs: ScenarioFigures[] = [];
  for (let rep = 0; rep < options.repeat; rep++) {
    for (const scenario of scenarios) {
      log(`latency: scenario ${scenario}, run ${rep + 1}/${options.repeat}, ${options.samples} samples per kind (+${WARM_UP_ROUNDS} warm-up rounds)`);
      const figures = await runLatencyScenario(scenario, options, launch);
      printScenario(figures);
      runs.push(figures);
    }
  }
  const summary = Object.fromEntries(scenarios.map((scenario) => {
    const mine = runs.filter((r) => r.scenario === scenario).map((r) => r.all);
    const of = (pick: (k: KindFigures) => number): Spread => spread(mine.map(pick));
    log(`  ${scenario}, all kinds over ${mine.length} run(s): operator p50 ${formatSpread(mine.map((k) => k.operatorP50Ms))} ms, p99 ${formatSpread(mine.map((k) => k.operatorP99Ms))} ms; ` +
      `bare watch p99 ${formatSpread(mine.map((k) => k.watchP99Ms))} ms; ratio p99 ${formatSpread(mine.map((k) => k.ratioP99), 2)}; ratio to watch+write p99 ${formatSpread(mine.map((k) => k.ratioFloorP99), 2)}`);
    return [scenario, {
      operatorP50Ms: of((k) => k.operatorP50Ms), operatorP99Ms: of((k) => k.operatorP99Ms), watchP50Ms: of((k) => k.watchP50Ms),
      watchP99Ms: of((k) => k.watchP99Ms), ratioP99: of((k) => k.ratioP99), ratioFloorP99: of((k) => k.ratioFloorP99),
    }];
  }));
  return { bench: 'latency', samplesPerKind: options.samples, warmUpRounds: WARM_UP_ROUNDS, summary, runs };
}
