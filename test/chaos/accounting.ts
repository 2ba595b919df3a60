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
import type { ChaosRun } from './chaos-run.js';
import type { ControllerProcess } from './controller-process.js';

export interface RunAccount {
  replicas: number;
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
}

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
export function dualLeaderCalls(processes: readonly ControllerProcess[], leaderElection: boolean): number {
  const terms = processes.flatMap((p) => termsOf(p, leaderElection));
  let violations = 0;
  for (const p of processes) {
    for (const call of p.logged('calling ScaleOutCluster')) {
      const t = at(call);
      const own = terms.some((term) => term.identity === p.identity && term.start <= t && t <= term.end);
      const other = terms.some((term) => term.identity !== p.identity && term.start <= t && t <= term.end);
      if (!own || other) violations += 1;
    }
  }
  return violations;
}

export async function account(run: ChaosRun): Promise<RunAccount> {
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
