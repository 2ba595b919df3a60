// What one chaos run looks like, drawn from the seed before anything starts: the resource's shape,
// the simulator's pace, the fault storm and the sequence of kill targets. Everything that depends
// on timing (exact delays, replica bumps) is drawn later from a separate stream, so these stay the
// same for a seed whatever the machine's speed.
import type { FaultRuleInput } from '../../src/simulator/index.js';
import { describeEpisodes, drawEpisodes, drawPoolStorm, NODE_POOL_TARGETS, type NodePoolTarget, type PoolEpisode } from './node-pool-plan.js';
import { createRng, type Rng } from './prng.js';

/**
 * The two ways the operator buys nodes: ScaleOutCluster tasks (spec.scaleOut, legacy) and the node
 * pool's absolute desired size (spec.nodePool, ModifyClusterNodePool).
 */
export const RUN_MODES = ['scale-out-cluster', 'node-pool'] as const;
export type RunMode = (typeof RUN_MODES)[number];
/** Which modes a budget draws: both (`mixed`, about every third run node-pool) or only one. */
export type ModeChoice = 'mixed' | RunMode;

/** Where a kill is aimed in ScaleOutCluster mode (see kill-points.ts for how each is landed and how the landing is classified). */
export const KILL_TARGETS = ['before-call', 'after-call', 'status-write', 'during-task'] as const;
export type KillTarget = (typeof KILL_TARGETS)[number] | NodePoolTarget;

/** Runs come in blocks of three; mixed draws from the seed which one of each block is node-pool. */
const MODE_BLOCK = 3;

export function modeOf(masterSeed: number, index: number, choice: ModeChoice): RunMode {
  if (choice !== 'mixed') return choice;
  const block = Math.floor(index / MODE_BLOCK);
  const nodePoolAt = createRng(runSeed(masterSeed, block) ^ 0x2545_f491).int(0, MODE_BLOCK - 1);
  return index % MODE_BLOCK === nodePoolAt ? 'node-pool' : 'scale-out-cluster';
}

export interface PlanOptions {
  mode: RunMode;
  kills: number;
  /** Two replicas with --leader-elect; kills always hit the current leader. */
  leaderElection: boolean;
  /**
   * Also draw faults that leave an intent with nothing behind it at ACK (a 503 or HTML answer before
   * the call is carried out). Each costs the controller's 2-minute intent recovery window, so the
   * small budget inside `npm test` leaves them out.
   */
  slowRecoveryFaults: boolean;
  /** Draw low cloud QPS limits for some controller starts: widens the gap between the intent write and the call. */
  lowQps: boolean;
}

export interface RunPlan {
  index: number;
  seed: number;
  mode: RunMode;
  initialReplicas: number;
  maxNodesPerScaleOut: number;
  maxConcurrentScaleOuts: number;
  taskDurationMs: number;
  joinDelayMs: number;
  simSeed: number;
  faults: FaultRuleInput[];
  leaderElection: boolean;
  targets: KillTarget[];
  /** --cloud-qps of successive controller starts (cycled). */
  cloudQps: number[];
  /** limits.maxUnjoinedNodes: room for every instance the storm's node faults can leave unjoined. */
  maxUnjoinedNodes: number;
  /** After this many kills the resource is deleted and applied again (undefined: never). */
  recreateAfterKill?: number;
  /** That deletion is annotated capacity.sandbox.dev/abandon-in-flight (no wait for the finalizer). */
  abandonOnRecreate: boolean;
  /** Node-pool runs: what is done to the pool before each kill (one per target); [] otherwise. */
  episodes: PoolEpisode[];
}

export function runSeed(masterSeed: number, index: number): number {
  return (Math.imul(masterSeed >>> 0, 0x9e37_79b1) + index * 0x85eb_ca6b) >>> 0;
}

function lostResponse(rng: Rng): FaultRuleInput {
  const mode = rng.pick(['error', 'reset', 'timeout'] as const);
  const rule: FaultRuleInput = { kind: 'lost-response', action: 'ScaleOutCluster', probability: rng.between(0.15, 0.4), mode };
  if (mode === 'timeout') rule.delayMs = rng.int(1_000, 6_000);
  return rule;
}

/**
 * The storm: request faults (the first matching rule that wins its draw applies) and task failures up
 * to 50 %. A 5xx on ScaleOutCluster comes from lost-response (mode error: 503 after the task was
 * created) and, with slowRecoveryFaults, from unavailable (503, nothing created).
 */
export function drawStorm(rng: Rng, slowRecoveryFaults: boolean): FaultRuleInput[] {
  const faults: FaultRuleInput[] = [];
  const maybe = (p: number, make: () => FaultRuleInput): void => { if (rng.chance(p)) faults.push(make()); };
  // Always: an answer lost after the task was created is the one fault a controller cannot see through.
  faults.push(lostResponse(rng));
  maybe(0.7, () => ({ kind: 'throttle', probability: rng.between(0.05, 0.3), retryAfterMs: rng.int(0, 800) }));
  maybe(0.5, () => ({ kind: 'unavailable', action: 'DescribeTaskInfo', probability: rng.between(0.05, 0.3) }));
  maybe(0.4, () => ({ kind: 'unavailable', action: 'DescribeClusterTasks', probability: rng.between(0.05, 0.3) }));
  maybe(0.3, () => ({ kind: 'non-json', action: 'DescribeTaskInfo', probability: rng.between(0.05, 0.2) }));
  // Some beyond the controller's 4 s read timeout.
  maybe(0.4, () => ({ kind: 'slow', action: 'DescribeTaskInfo', probability: rng.between(0.1, 0.3), delayMs: rng.int(200, 5_000) }));
  maybe(0.3, () => ({ kind: 'no-stock', probability: rng.between(0.05, 0.25) }));
  if (slowRecoveryFaults) {
    maybe(0.3, () => ({ kind: 'unavailable', action: 'ScaleOutCluster', probability: 0.5, times: 1 }));
  }
  maybe(0.7, () => ({ kind: 'task-fail', probability: rng.between(0.1, 0.5), failFraction: rng.between(0.1, 0.5) }));
  // Instances that never arrive: they must keep their place, and be replaced only up to maxUnjoinedNodes.
  maybe(0.35, () => ({ kind: 'node-never-joins', probability: rng.between(0.2, 0.5), fraction: rng.between(0.3, 1), times: 1 }));
  maybe(0.35, () => ({ kind: 'node-mislabelled', probability: rng.between(0.2, 0.5), fraction: rng.between(0.3, 1), times: 1 }));
  return faults;
}

/** How many instances the node faults of a storm can leave unjoined at most (each rule fires once, on one task). */
function unjoinedBound(faults: readonly FaultRuleInput[], maxNodesPerScaleOut: number): number {
  return faults.filter((f) => f.kind === 'node-never-joins' || f.kind === 'node-mislabelled').length * maxNodesPerScaleOut;
}

export function drawPlan(masterSeed: number, index: number, options: PlanOptions): RunPlan {
  const seed = runSeed(masterSeed, index);
  const rng = createRng(seed);
  const kills = options.leaderElection ? Math.min(options.kills, 4) : options.kills;
  if (options.mode === 'node-pool') return drawNodePoolPlan(index, seed, rng, kills, options);
  const maxNodesPerScaleOut = rng.int(1, 3);
  const faults = drawStorm(rng, options.slowRecoveryFaults);
  const recreate = rng.chance(0.4);
  return {
    index,
    seed,
    initialReplicas: rng.int(2, 5),
    maxNodesPerScaleOut,
    maxConcurrentScaleOuts: rng.int(1, 3),
    taskDurationMs: rng.int(600, 3_000),
    joinDelayMs: rng.int(100, 600),
    simSeed: rng.seed(),
    faults,
    maxUnjoinedNodes: unjoinedBound(faults, maxNodesPerScaleOut),
    ...(recreate ? { recreateAfterKill: rng.int(1, Math.max(1, kills)) } : {}),
    abandonOnRecreate: rng.chance(0.5),
    leaderElection: options.leaderElection,
    targets: Array.from({ length: kills }, () => rng.pick(KILL_TARGETS)),
    cloudQps: Array.from({ length: kills + 2 }, () => (options.lowQps ? rng.pick([50, 50, 50, 5, 1]) : 50)),
    mode: 'scale-out-cluster',
    episodes: [],
  };
}

/**
 * A node-pool run: the same pace and kill loop, the node-pool storm and targets, episodes on the
 * pool. No instance is left unjoined (a pool counts it as alive, so no fault of that kind is drawn)
 * and the resource is not deleted and applied again.
 */
function drawNodePoolPlan(index: number, seed: number, rng: Rng, kills: number, options: PlanOptions): RunPlan {
  return {
    index,
    seed,
    mode: 'node-pool',
    initialReplicas: rng.int(2, 5),
    maxNodesPerScaleOut: rng.int(1, 3),
    maxConcurrentScaleOuts: 1,
    taskDurationMs: rng.int(600, 3_000),
    joinDelayMs: rng.int(100, 600),
    simSeed: rng.seed(),
    faults: drawPoolStorm(rng),
    maxUnjoinedNodes: 0,
    abandonOnRecreate: false,
    leaderElection: options.leaderElection,
    targets: Array.from({ length: kills }, () => rng.pick(NODE_POOL_TARGETS)),
    cloudQps: Array.from({ length: kills + 2 }, () => (options.lowQps ? rng.pick([50, 50, 50, 5, 1]) : 50)),
    episodes: drawEpisodes(rng, kills),
  };
}

export function describePlan(plan: RunPlan): string {
  if (plan.mode === 'node-pool') {
    return `node-pool: replicas ${plan.initialReplicas}, ≤${plan.maxNodesPerScaleOut}/write, pool launches ${plan.taskDurationMs} ms, ` +
      `${plan.leaderElection ? 'two replicas with leader election' : 'one replica'}; storm: ${describeStorm(plan.faults)}; episodes: ${describeEpisodes(plan.episodes)}`;
  }
  const storm = describeStorm(plan.faults);
  const recreate = plan.recreateAfterKill === undefined ? '' : `; deleted and applied again after kill ${plan.recreateAfterKill}${plan.abandonOnRecreate ? ' (abandoning its requests)' : ''}`;
  return `scale-out-cluster: replicas ${plan.initialReplicas}, ≤${plan.maxNodesPerScaleOut}/call, ${plan.maxConcurrentScaleOuts} concurrent task(s), task ${plan.taskDurationMs} ms, ` +
    `${plan.leaderElection ? 'two replicas with leader election' : 'one replica'}; storm: ${storm}${recreate}`;
}

function describeStorm(faults: readonly FaultRuleInput[]): string {
  const storm = faults.map((f) => `${f.kind}${f.action ? `@${f.action}` : ''}${f.probability === undefined ? '' : `~${f.probability.toFixed(2)}`}${f.times === undefined ? '' : `×${f.times}`}`).join(' ');
  return storm || 'none';
}
