// The chaos engine: plans N runs from one seed (each in ScaleOutCluster or node-pool mode), runs them
// a few at a time, restarts the kube-apiserver now and then (spread over the kill budget), and sums
// up, per mode and overall. The summary line is
//   chaos: N runs, M kill points, K over-provisioned nodes, L lost tasks
// (L counts the lost tasks of ScaleOutCluster runs and the lost writes of node-pool runs) and the
// suite passes only when K and L are 0, every run converged, and no ScaleOutCluster or
// ModifyClusterNodePool call was ever made by a process while another one led.
import { mkdirSync } from 'node:fs';
import type { ChaosEnvironment } from './chaos-run.js';
import type { KillWindow } from './kill-points.js';
import { describePlan, drawPlan, modeOf, RUN_MODES, type ModeChoice, type RunMode, type RunPlan } from './run-plan.js';
import { runOne, type RunResult } from './run-one.js';

export interface ChaosOptions {
  seed: number;
  runs: number;
  /** Modes the runs are drawn in: mixed (about every third run node-pool, drawn from the seed) or one. Default mixed. */
  modes?: ModeChoice;
  /** Kills per run (leader-election runs do at most 4: each hand-over waits for the lease to expire). */
  killsPerRun: number;
  /** Runs in parallel, each with its own namespace, simulator and controller processes. */
  concurrency: number;
  /** Every Nth run uses two replicas with leader election; 0 = never. */
  leaderElectionEvery: number;
  /** kube-apiserver restarts spread over the whole budget (needs env.restartApiServer). */
  apiServerRestarts: number;
  slowRecoveryFaults: boolean;
  lowQps: boolean;
  convergeTimeoutMs: number;
  logDir: string;
  log: (line: string) => void;
}

/** The figures of one mode's runs. */
export interface ModeSummary {
  mode: RunMode;
  runs: number;
  killPoints: number;
  windows: Partial<Record<KillWindow, number>>;
  overProvisioned: number;
  /** Lost tasks (ScaleOutCluster) or lost writes (node-pool). */
  lost: number;
  unconverged: number;
  failedRuns: number;
  dualLeaderCalls: number;
}

export interface ChaosSummary {
  seed: number;
  runs: number;
  killPoints: number;
  overProvisioned: number;
  lostTasks: number;
  /** Node-pool runs: ModifyClusterNodePool calls no persisted lastWrite had announced. */
  lostWrites: number;
  unconverged: number;
  failedRuns: number;
  dualLeaderCalls: number;
  unexpectedExits: number;
  apiServerRestarts: number;
  watchCuts: number;
  /** Resources deleted and applied again mid-run. */
  recreations: number;
  /** Instances that never became counted Nodes (never joined, or mislabelled). */
  unjoined: number;
  windows: Partial<Record<KillWindow, number>>;
  /** Per mode, in RUN_MODES order; only modes that had runs. */
  modes: ModeSummary[];
  results: RunResult[];
}

export function summaryLine(s: ChaosSummary): string {
  return `chaos: ${s.runs} runs, ${s.killPoints} kill points, ${s.overProvisioned} over-provisioned nodes, ${s.lostTasks + s.lostWrites} lost tasks`;
}

function describeWindows(windows: Partial<Record<KillWindow, number>>): string {
  return Object.entries(windows).map(([w, n]) => `${w} ${n}`).join(', ') || 'none';
}

/** One line per mode, e.g. `node-pool: 7 runs, 70 kill points (before-call 9, …), 0 over-provisioned nodes, 0 lost writes`. */
export function modeLines(s: ChaosSummary): string[] {
  return s.modes.map((m) => {
    const trouble = [
      m.unconverged > 0 ? `${m.unconverged} unconverged` : '', m.failedRuns > 0 ? `${m.failedRuns} failed` : '', m.dualLeaderCalls > 0 ? `${m.dualLeaderCalls} non-leader calls` : '',
    ].filter((t) => t !== '').join(', ');
    return `${m.mode}: ${m.runs} runs, ${m.killPoints} kill points (${describeWindows(m.windows)}), ${m.overProvisioned} over-provisioned nodes, ` +
      `${m.lost} ${m.mode === 'node-pool' ? 'lost writes' : 'lost tasks'}${trouble === '' ? '' : `; ${trouble}`}`;
  });
}

export function passed(s: ChaosSummary): boolean {
  return s.overProvisioned === 0 && s.lostTasks === 0 && s.lostWrites === 0 && s.unconverged === 0 && s.failedRuns === 0 && s.dualLeaderCalls === 0 && s.unexpectedExits === 0;
}

export function plans(options: Pick<ChaosOptions, 'seed' | 'runs' | 'modes' | 'killsPerRun' | 'leaderElectionEvery' | 'slowRecoveryFaults' | 'lowQps'>): RunPlan[] {
  return Array.from({ length: options.runs }, (_, index) => drawPlan(options.seed, index, {
    mode: modeOf(options.seed, index, options.modes ?? 'mixed'),
    kills: options.killsPerRun,
    leaderElection: options.leaderElectionEvery > 0 && index % options.leaderElectionEvery === options.leaderElectionEvery - 1,
    slowRecoveryFaults: options.slowRecoveryFaults,
    lowQps: options.lowQps,
  }));
}

function describeBooks(r: RunResult): string {
  const a = r.account;
  if (!a) return 'no accounting';
  const lost = a.lostTasks > 0 ? ` [${a.lostTaskIds.join(' ')}]` : '';
  const dual = a.dualLeaderCalls > 0 ? `, DUAL-LEADER CALLS ${a.dualLeaderCalls}` : '';
  const exits = a.unexpectedExits > 0 ? `, CONTROLLER DIED ON ITS OWN ${a.unexpectedExits}x` : '';
  const p = a.pool;
  if (p) {
    const lostWrites = p.lostWrites > 0 ? ` [${p.lostWriteSizes.join(' ')}]` : '';
    return `pool launched ${a.requested}, needed ${a.needed} (replicas ${a.replicas} + ${a.failed} failed creations + ${p.removedOutOfBand} removed out of band), ` +
      `desired ${p.desiredSize}, nodes ${a.liveNodes}, over ${a.overProvisioned}; ${p.writes} writes (${p.carriedOut} carried out), lost writes ${p.lostWrites}${lostWrites}${dual}${exits}`;
  }
  return `requested ${a.requested}, needed ${a.needed} (replicas ${a.replicas} + ${a.failed} failed + ${a.unjoined} unjoined, at most ${r.plan.maxUnjoinedNodes} replaceable), nodes ${a.liveNodes}, over ${a.overProvisioned}, lost ${a.lostTasks}${lost}${dual}${exits}`;
}

function isBad(r: RunResult): boolean {
  const a = r.account;
  return r.error !== undefined || !r.converged || a === undefined || a.overProvisioned > 0 || a.lostTasks > 0 || (a.pool?.lostWrites ?? 0) > 0 || a.dualLeaderCalls > 0 || a.unexpectedExits > 0;
}

function describeResult(r: RunResult): string {
  const windows = r.kills.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k.window]: (acc[k.window] ?? 0) + 1 }), {});
  const status = r.error ? `ERROR ${r.error.split('\n')[0] ?? ''}` : r.converged ? 'converged' : 'DID NOT CONVERGE';
  const line = `run ${r.plan.index} ${r.plan.mode} (seed ${r.plan.seed}): ${r.kills.length} kills ${JSON.stringify(windows)}, ${r.watchCuts} watch cuts; ${describeBooks(r)}; ${status}; ${r.seconds.toFixed(0)} s`;
  return isBad(r) ? `${line}\n    logs: ${r.logFile ?? '-'}` : line;
}

class ApiServerDisruptor {
  restarts = 0;
  private kills = 0;
  private busy: Promise<void> = Promise.resolve();

  constructor(private readonly env: ChaosEnvironment, private readonly everyKills: number, private readonly budget: number, private readonly log: (line: string) => void) {}

  onKill(): void {
    this.kills += 1;
    if (!this.env.restartApiServer || this.restarts >= this.budget || this.kills % this.everyKills !== 0) return;
    const restart = this.env.restartApiServer;
    this.restarts += 1;
    const n = this.restarts;
    this.busy = this.busy.then(async () => {
      this.log(`  kube-apiserver restart ${n} (after ${this.kills} kill points)`);
      await restart();
    }).catch((err: unknown) => { this.log(`  kube-apiserver restart failed: ${String(err)}`); });
  }

  async settle(): Promise<void> {
    await this.busy;
  }
}

function windowsOf(results: readonly RunResult[]): Partial<Record<KillWindow, number>> {
  const windows: Partial<Record<KillWindow, number>> = {};
  for (const k of results.flatMap((r) => r.kills)) windows[k.window] = (windows[k.window] ?? 0) + 1;
  return windows;
}

export function summarizeModes(results: readonly RunResult[]): ModeSummary[] {
  return RUN_MODES.map((mode) => {
    const mine = results.filter((r) => r.plan.mode === mode);
    const sum = (f: (r: RunResult) => number): number => mine.reduce((acc, r) => acc + f(r), 0);
    return {
      mode,
      runs: mine.length,
      killPoints: sum((r) => r.kills.length),
      windows: windowsOf(mine),
      overProvisioned: sum((r) => r.account?.overProvisioned ?? 0),
      lost: sum((r) => (r.account?.lostTasks ?? 0) + (r.account?.pool?.lostWrites ?? 0)),
      unconverged: mine.filter((r) => !r.converged).length,
      failedRuns: mine.filter((r) => r.error !== undefined || r.account === undefined).length,
      dualLeaderCalls: sum((r) => r.account?.dualLeaderCalls ?? 0),
    };
  }).filter((m) => m.runs > 0);
}

function summarize(options: ChaosOptions, results: RunResult[], disruptor: ApiServerDisruptor): ChaosSummary {
  const windows = windowsOf(results);
  const sum = (f: (r: RunResult) => number): number => results.reduce((acc, r) => acc + f(r), 0);
  return {
    seed: options.seed,
    runs: results.length,
    killPoints: sum((r) => r.kills.length),
    overProvisioned: sum((r) => r.account?.overProvisioned ?? 0),
    lostTasks: sum((r) => r.account?.lostTasks ?? 0),
    lostWrites: sum((r) => r.account?.pool?.lostWrites ?? 0),
    unconverged: results.filter((r) => !r.converged).length,
    failedRuns: results.filter((r) => r.error !== undefined || r.account === undefined).length,
    dualLeaderCalls: sum((r) => r.account?.dualLeaderCalls ?? 0),
    unexpectedExits: sum((r) => r.account?.unexpectedExits ?? 0),
    apiServerRestarts: disruptor.restarts,
    watchCuts: sum((r) => r.watchCuts),
    recreations: sum((r) => r.recreations),
    unjoined: sum((r) => r.account?.unjoined ?? 0),
    windows,
    modes: summarizeModes(results),
    results,
  };
}

export async function runChaos(env: ChaosEnvironment, options: ChaosOptions): Promise<ChaosSummary> {
  mkdirSync(options.logDir, { recursive: true });
  const queue = plans(options);
  const totalKills = queue.reduce((n, p) => n + p.targets.length, 0);
  const disruptor = new ApiServerDisruptor(env, Math.max(1, Math.floor(totalKills / (options.apiServerRestarts + 1))), options.apiServerRestarts, options.log);
  const nodePoolRuns = queue.filter((p) => p.mode === 'node-pool').length;
  options.log(`chaos: seed ${options.seed}, ${queue.length} runs (${queue.length - nodePoolRuns} scale-out-cluster, ${nodePoolRuns} node-pool), ${totalKills} planned kill points, concurrency ${options.concurrency}, logs in ${options.logDir}`);
  const results: RunResult[] = [];
  const worker = async (): Promise<void> => {
    for (let plan = queue.shift(); plan; plan = queue.shift()) {
      options.log(`run ${plan.index} starting: ${describePlan(plan)}`);
      const result = await runOne(plan, env, { logDir: options.logDir, convergeTimeoutMs: options.convergeTimeoutMs, onKill: () => { disruptor.onKill(); } })
        .catch((err: unknown): RunResult => ({ plan, kills: [], converged: false, watchCuts: 0, recreations: 0, seconds: 0, error: String(err) }));
      results.push(result);
      options.log(describeResult(result));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  await disruptor.settle();
  results.sort((a, b) => a.plan.index - b.plan.index);
  return summarize(options, results, disruptor);
}

export function detailLines(s: ChaosSummary): string[] {
  return [
    `kill points by where they landed: ${describeWindows(s.windows)}`,
    `kube-apiserver restarts: ${s.apiServerRestarts}, watch cuts: ${s.watchCuts}, unconverged runs: ${s.unconverged}, failed runs: ${s.failedRuns}, ScaleOutCluster or ModifyClusterNodePool calls by a non-leader: ${s.dualLeaderCalls}, controllers that died on their own: ${s.unexpectedExits}`,
    `resources deleted and applied again: ${s.recreations}, instances that never became counted Nodes: ${s.unjoined}`,
    ...modeLines(s),
  ];
}
