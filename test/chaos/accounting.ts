// The verdict on one run, from ground truth only: ACK's (the simulator's) tasks, the Nodes in the
// cluster, the task ids the status ever showed, and the controllers' own logs.
//   needed           = final spec.replicas + nodes ACK reported failed (those have to be bought again)
//                      + the instances that never became counted Nodes, up to limits.maxUnjoinedNodes
//                      (the replacements the resource was allowed to buy for them)
//   over-provisioned = instances ACK created beyond what was needed, joined or not, or counted Nodes
//                      beyond spec.replicas
//   lost tasks       = tasks created at ACK whose id never appeared in the status (never adopted or
//                      followed: their nodes were not counted, which is how nodes get bought twice)
//   dual-leader calls = ScaleOutCluster calls made by a process while another process led
//   unexpected exits = controller processes that died without being killed or stopped
// Node-pool runs (the pool as the simulator holds it, its record of ModifyClusterNodePool, the
// Nodes, and every lastWrite any status version held):
//   needed           = final spec.replicas + the pool's failed creations (ESS launched them again)
//                      + the instances the harness's out-of-band lowerings took away (bought again
//                      when Enforce wrote spec.replicas back)
//   over-provisioned = instances the pool launched beyond what was needed, counted Nodes beyond
//                      spec.replicas, or a final desired size above spec.replicas
//   lost writes      = ModifyClusterNodePool calls whose desired size no lastWrite persisted before
//                      the call had announced (a write the ledger did not know it was making)
//   dual-leader calls = ModifyClusterNodePool calls made by a process while another process led
import type { ChaosRun, PoolWriteRecord, SeenLastWrite } from './chaos-run.js';
import type { ControllerProcess } from './controller-process.js';

export interface RunAccount {
  replicas: number;
  /** Nodes ACK was asked for: ScaleOutCluster tasks' nodes, or the instances the pool launched. */
  requested: number;
  failed: number;
  unjoined: number;
  needed: number;
  liveNodes: number;
  overProvisioned: number;
  lostTasks: number;
  lostTaskIds: string[];
  dualLeaderCalls: number;
  unexpectedExits: number;
  /** Node-pool runs only. */
  pool?: PoolBooks;
}

export interface PoolBooks {
  desiredSize: number;
  removedOutOfBand: number;
  /** ModifyClusterNodePool calls that reached ACK, and how many of them took effect. */
  writes: number;
  carriedOut: number;
  lostWrites: number;
  /** desired_size@time of each lost write. */
  lostWriteSizes: string[];
}

/** Log messages that say a process is about to call the mutating API, per mode. */
export const CALL_MESSAGES = { 'scale-out-cluster': 'calling ScaleOutCluster', 'node-pool': 'calling ModifyClusterNodePool' } as const;

interface Term {
  identity: string;
  start: number;
  end: number;
}

function at(entry: { timestamp?: string }): number {
  return Date.parse(entry.timestamp ?? '') || 0;
}

/** Leadership terms: from "became leader" to "stopped leading" or the process's death. */
function termsOf(process: ControllerProcess, leaderElection: boolean): Term[] {
  const death = process.exitedAt ?? Number.POSITIVE_INFINITY;
  if (!leaderElection) return [{ identity: process.identity, start: process.startedAt, end: death }];
  const terms: Term[] = [];
  let start: number | undefined;
  for (const e of process.entries) {
    if (e.message === 'became leader') start = at(e);
    if (e.message === 'stopped leading' && start !== undefined) {
      terms.push({ identity: process.identity, start, end: at(e) });
      start = undefined;
    }
  }
  if (start !== undefined) terms.push({ identity: process.identity, start, end: death });
  return terms;
}

/** Calls made outside the caller's own term, or inside another process's term. */
export function dualLeaderCalls(processes: readonly ControllerProcess[], leaderElection: boolean, callMessage: string = CALL_MESSAGES['scale-out-cluster']): number {
  const terms = processes.flatMap((p) => termsOf(p, leaderElection));
  let violations = 0;
  for (const p of processes) {
    for (const call of p.logged(callMessage)) {
      const t = at(call);
      const own = terms.some((term) => term.identity === p.identity && term.start <= t && t <= term.end);
      const other = terms.some((term) => term.identity !== p.identity && term.start <= t && t <= term.end);
      if (!own || other) violations += 1;
    }
  }
  return violations;
}

/** Calls whose desired size no lastWrite persisted at or before the call (within the clocks' slack) had announced. */
export function lostWrites(writes: readonly PoolWriteRecord[], seen: Iterable<SeenLastWrite>, slackMs = 50): PoolWriteRecord[] {
  const announced = [...seen];
  return writes.filter((w) => !announced.some((l) => l.desiredSize === w.desiredSize && l.at <= w.at + slackMs));
}

export interface PoolFacts {
  replicas: number;
  created: number;
  failedCreations: number;
  removedOutOfBand: number;
  liveNodes: number;
  desiredSize: number;
}

/** over-provisioned of a node-pool run: what the pool launched beyond need, Nodes or desired size beyond spec.replicas. */
export function poolOverProvisioned(f: PoolFacts): { needed: number; overProvisioned: number } {
  const needed = f.replicas + f.failedCreations + f.removedOutOfBand;
  return { needed, overProvisioned: Math.max(0, f.created - needed, f.liveNodes - f.replicas, f.desiredSize - f.replicas) };
}

async function accountPool(run: ChaosRun): Promise<RunAccount> {
  const sc = await run.read();
  const pool = run.pool();
  const replicas = sc.spec.replicas;
  const liveNodes = await run.liveNodes();
  const facts: PoolFacts = {
    replicas, created: pool.createdInstances, failedCreations: pool.failedCreations, removedOutOfBand: run.removedOutOfBand, liveNodes, desiredSize: pool.desiredSize,
  };
  const { needed, overProvisioned } = poolOverProvisioned(facts);
  const writes = run.poolWrites();
  const lost = lostWrites(writes, run.seenLastWrites.values());
  return {
    replicas, requested: facts.created, failed: facts.failedCreations, unjoined: 0, needed, liveNodes, overProvisioned,
    lostTasks: 0, lostTaskIds: [],
    dualLeaderCalls: dualLeaderCalls(run.controllers, run.plan.leaderElection, CALL_MESSAGES['node-pool']),
    unexpectedExits: run.controllers.filter((c) => !c.running && !c.endedByHarness).length,
    pool: {
      desiredSize: pool.desiredSize, removedOutOfBand: run.removedOutOfBand, writes: writes.length, carriedOut: writes.filter((w) => w.carriedOut).length,
      lostWrites: lost.length, lostWriteSizes: lost.map((w) => `${w.desiredSize}@${new Date(w.at).toISOString()}`),
    },
  };
}

export async function account(run: ChaosRun): Promise<RunAccount> {
  if (run.plan.mode === 'node-pool') return accountPool(run);
  const sc = await run.read();
  const tasks = run.tasks();
  const replicas = sc.spec.replicas;
  const requested = tasks.reduce((sum, t) => sum + t.count, 0);
  const failed = tasks.reduce((sum, t) => sum + t.failedCount, 0);
  const unjoined = run.unjoinedInstances();
  const needed = replicas + failed + Math.min(unjoined, run.plan.maxUnjoinedNodes);
  const liveNodes = await run.liveNodes();
  const lostTaskIds = tasks.filter((t) => !run.seenTaskIds.has(t.taskId)).map((t) => t.taskId);
  return {
    replicas, requested, failed, unjoined, needed, liveNodes,
    overProvisioned: Math.max(0, requested - needed, liveNodes - replicas),
    lostTasks: lostTaskIds.length,
    lostTaskIds,
    dualLeaderCalls: dualLeaderCalls(run.controllers, run.plan.leaderElection),
    unexpectedExits: run.controllers.filter((c) => !c.running && !c.endedByHarness).length,
  };
}
