// One chaos run: start the controller(s), then for each planned kill target approach its window,
// SIGKILL the (leading) controller, note where the kill landed, start a new process after a random
// pause, sometimes cut the new process's API connections; then lift the storm, wait for convergence
// and account for every node ACK was asked for. A node-pool run also stages its planned episode on the
// pool before each kill (held busy, out of stock, lowered out of band).
import { account, type RunAccount } from './accounting.js';
import { ChaosRun, type ChaosEnvironment } from './chaos-run.js';
import type { ControllerProcess } from './controller-process.js';
import { approach, classify, settled, type KillWindow } from './kill-points.js';
import { CHAOS_POOL_ID, type PoolEpisode } from './node-pool-plan.js';
import { createRng, type Rng } from './prng.js';
import type { KillTarget, RunPlan } from './run-plan.js';

export interface KillPoint {
  target: KillTarget;
  window: KillWindow;
}

export interface RunResult {
  plan: RunPlan;
  kills: KillPoint[];
  converged: boolean;
  account?: RunAccount;
  watchCuts: number;
  recreations: number;
  seconds: number;
  logFile?: string;
  error?: string;
}

export interface RunHooks {
  logDir: string;
  convergeTimeoutMs: number;
  /** Called after every kill (the engine schedules API server restarts by kill count). */
  onKill?: () => void;
}

const LEADER_WAIT_MS = 90_000;
const QUIET_MS = 3_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The process a kill should hit: the leader, once it works (caches synced; with leader election, leading). */
async function waitForLeader(run: ChaosRun): Promise<ControllerProcess | undefined> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  while (Date.now() < deadline) {
    const leader = run.leader();
    if (leader && leader.logged('caches synced').length > 0) return leader;
    if (run.alive().length === 0) run.startController();
    await sleep(50);
  }
  return undefined;
}

async function killOnce(run: ChaosRun, target: KillTarget, rng: Rng, timers: Set<NodeJS.Timeout>): Promise<KillPoint | undefined> {
  if (!(await waitForLeader(run))) return undefined;
  await approach(target, run, rng);
  const victim = run.leader();
  if (!victim) return undefined;
  await victim.kill();
  run.proxy.setLatency(0);
  const window = await classify(run, victim);
  await sleep(rng.int(0, 1_000));
  run.startController();
  if (rng.chance(0.25)) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run.cutWatches();
    }, rng.int(500, 4_000));
    timers.add(timer);
  }
  return { target, window };
}

/** Stages a pool episode; what it holds or takes away is given back by a timer (or at convergence). */
function stageEpisode(run: ChaosRun, episode: PoolEpisode | undefined, timers: Set<NodeJS.Timeout>): void {
  if (episode === undefined || episode.kind === 'none') return;
  const later = (ms: number, undo: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      undo();
    }, ms);
    timers.add(timer);
  };
  switch (episode.kind) {
    case 'busy':
      run.sim.control.holdNodePool(run.clusterId, CHAOS_POOL_ID, episode.state);
      later(episode.durationMs, () => { run.sim.control.holdNodePool(run.clusterId, CHAOS_POOL_ID, 'active'); });
      return;
    case 'stock-out': {
      const rule = run.sim.control.addFault({ kind: 'no-stock', nodepoolId: CHAOS_POOL_ID });
      later(episode.durationMs, () => { run.sim.control.removeFault(rule.id); });
      return;
    }
    case 'lowered':
      run.lowerPoolOutOfBand(episode.by);
      return;
  }
}

/** True once the resource is settled, ACK has nothing running and the Nodes match, and it stays so for a while. */
async function isQuiet(run: ChaosRun): Promise<boolean> {
  if (run.plan.mode === 'node-pool') return isPoolQuiet(run);
  const sc = await run.read();
  if (!settled(sc) || run.tasks().some((t) => t.state === 'running')) return false;
  if ((await run.liveNodes()) !== sc.spec.replicas) return false;
  const calls = run.sim.control.requests({ action: 'ScaleOutCluster' }).length;
  await sleep(QUIET_MS);
  const again = await run.read();
  return settled(again) && run.sim.control.requests({ action: 'ScaleOutCluster' }).length === calls;
}

/**
 * Node-pool mode: Ready at spec.replicas, the pool active at desired size spec.replicas with nothing
 * being created, removed or failed, as many Nodes as spec.replicas, and no write for a while.
 */
async function isPoolQuiet(run: ChaosRun): Promise<boolean> {
  const poolSettled = async (): Promise<boolean> => {
    const sc = await run.read();
    const pool = run.pool();
    const { initial_nodes: initial, removing_nodes: removing, failed_nodes: failed } = pool.counts;
    return settled(sc) && pool.state === 'active' && pool.desiredSize === sc.spec.replicas && initial + removing + failed === 0
      && (await run.liveNodes()) === sc.spec.replicas;
  };
  if (!(await poolSettled())) return false;
  const writes = run.poolWrites().length;
  await sleep(QUIET_MS);
  return (await poolSettled()) && run.poolWrites().length === writes;
}

async function converge(run: ChaosRun, timeoutMs: number): Promise<boolean> {
  run.sim.control.clearFaults();
  if (run.plan.mode === 'node-pool') run.sim.control.holdNodePool(run.clusterId, CHAOS_POOL_ID, 'active');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (run.alive().length === 0) run.startController();
    if (await isQuiet(run).catch(() => false)) return true;
    await sleep(500);
  }
  return false;
}

export async function runOne(plan: RunPlan, env: ChaosEnvironment, hooks: RunHooks): Promise<RunResult> {
  const started = Date.now();
  // Timing-dependent draws (delays, bumps) come from their own stream; the plan's stay fixed.
  const rng = createRng(plan.seed ^ 0x5bd1_e995);
  const kills: KillPoint[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const run = await ChaosRun.create(plan, env, hooks.logDir);
  const result: RunResult = { plan, kills, converged: false, watchCuts: 0, recreations: 0, seconds: 0, logFile: `${hooks.logDir}/${run.name}-${run.ns}.log` };
  try {
    run.startController();
    if (plan.leaderElection) run.startController();
    for (const [i, target] of plan.targets.entries()) {
      stageEpisode(run, plan.episodes[i], timers);
      const point = await killOnce(run, target, rng, timers);
      if (!point) continue;
      kills.push(point);
      hooks.onKill?.();
      if (plan.recreateAfterKill === kills.length) await run.recreate(plan.abandonOnRecreate);
    }
    for (const timer of timers) clearTimeout(timer);
    result.converged = await converge(run, hooks.convergeTimeoutMs);
    result.account = await account(run);
  } catch (err) {
    result.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  } finally {
    for (const timer of timers) clearTimeout(timer);
    result.watchCuts = run.watchCuts;
    result.recreations = run.recreations;
    await run.close().catch((err: unknown) => { result.error ??= `cleanup failed: ${String(err)}`; });
    result.seconds = (Date.now() - started) / 1000;
  }
  return result;
}
