// Landing a SIGKILL in a chosen window of the node-pool write path, and saying afterwards where it
// really landed. The path (node-pool-executor.ts): read the pool → persist lastWrite {desiredSize}
// → wait for the cloud call budget → ModifyClusterNodePool → fold the answer into the status.
//
// Targets and how they are landed:
//   before-call    once no lastWrite is unresolved, kill 0–1.5 s after the controller has work (a
//                  fresh replicas bump, or work left): before lastWrite is persisted, or between it
//                  and the call (low --cloud-qps holds the call back);
//   after-call     a one-shot `slow` fault holds back the answer of the next ModifyClusterNodePool
//                  (the write is carried out); kill while the controller waits for it;
//   status-write   the controller's API server connection gets 100–800 ms of latency, and the kill
//                  comes within that much after ACK answered a ModifyClusterNodePool or a
//                  DescribeClusterNodePoolDetail: the controller is writing what it learnt;
//   while-scaling  kill while the pool scales (a write's task runs);
//   idle           kill once the resource is settled at spec.replicas.
// Landings (classifyPoolKill): idle, before-call, after-intent-before-call (lastWrite persisted, no
// call at ACK), after-call-before-answer, during-status-write, while-scaling.
import type { SandboxCapacity } from '../../src/api/sandbox-capacity.js';
import type { ChaosRun } from './chaos-run.js';
import type { ControllerProcess, LogEntry } from './controller-process.js';
import type { KillWindow } from './kill-points.js';
import { ensureWork, settled, waitFor } from './kill-points.js';
import { NODE_POOL_TARGETS, type NodePoolTarget } from './node-pool-plan.js';
import type { Rng } from './prng.js';

const TRIGGER_TIMEOUT_MS = 30_000;
/** lastWrite.time is the controller's clock, the request record the simulator's: the same machine, this much apart at most. */
const CLOCK_SLACK_MS = 50;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function at(entry: LogEntry): number {
  return Date.parse(entry.timestamp ?? '') || 0;
}

function lastSeq(run: ChaosRun): number {
  return run.sim.control.requests().at(-1)?.seq ?? 0;
}

/** lastWrite persisted and not yet settled: no task recorded, no read since. */
function unresolvedWrite(sc: SandboxCapacity): { desiredSize: number; at: number } | undefined {
  const view = sc.status?.nodePool;
  const write = view?.lastWrite;
  if (view === undefined || write === undefined || write.taskId !== undefined) return undefined;
  const writtenAt = Date.parse(write.time);
  if (Date.parse(view.observedTime) > writtenAt) return undefined;
  return { desiredSize: write.desiredSize, at: writtenAt };
}

async function landBeforeCall(run: ChaosRun, rng: Rng): Promise<void> {
  // Not while an earlier write is unresolved: the next call has to come from a fresh decision.
  const deadline = Date.now() + TRIGGER_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const sc = await run.read().catch(() => undefined);
    if (sc && unresolvedWrite(sc) === undefined) break;
    await sleep(100);
  }
  const bumped = await ensureWork(run, rng).catch(() => false);
  await sleep(bumped ? rng.int(0, 400) : rng.int(0, 1_500));
}

async function landAfterCall(run: ChaosRun, rng: Rng): Promise<void> {
  const since = lastSeq(run);
  const rule = run.sim.control.addFault({ kind: 'slow', action: 'ModifyClusterNodePool', delayMs: rng.int(1_500, 6_000), times: 1 });
  const held = await waitFor(run, rng, () => run.poolWrites(since).some((w) => w.faults.includes('slow')));
  run.sim.control.removeFault(rule.id);
  if (held) await sleep(rng.int(0, 800));
}

async function landStatusWrite(run: ChaosRun, rng: Rng): Promise<void> {
  const latency = rng.int(100, 800);
  run.proxy.setLatency(latency);
  const since = lastSeq(run);
  const action = rng.chance(0.6) ? 'ModifyClusterNodePool' : 'DescribeClusterNodePoolDetail';
  const answered = await waitFor(run, rng, () => run.sim.control.requests({ action, since }).some((r) => r.status >= 200 && r.status < 300));
  if (answered) await sleep(rng.int(0, latency + 100));
}

async function landWhileScaling(run: ChaosRun, rng: Rng): Promise<void> {
  const scaling = await waitFor(run, rng, () => run.pool().state === 'scaling');
  if (scaling) await sleep(rng.int(0, run.plan.taskDurationMs));
}

async function landIdle(run: ChaosRun, rng: Rng): Promise<void> {
  const deadline = Date.now() + TRIGGER_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const sc = await run.read().catch(() => undefined);
    const pool = run.pool();
    if (sc && settled(sc) && pool.state === 'active' && pool.desiredSize === sc.spec.replicas) break;
    await sleep(100);
  }
  await sleep(rng.int(0, 500));
}

/** Waits until the target window is (probably) open; the caller kills right after. */
export async function approachPoolTarget(target: string, run: ChaosRun, rng: Rng): Promise<void> {
  if (!(NODE_POOL_TARGETS as readonly string[]).includes(target)) throw new Error(`kill target ${target} is not one of node-pool mode`);
  switch (target as NodePoolTarget) {
    case 'before-call':
      return landBeforeCall(run, rng);
    case 'after-call':
      return landAfterCall(run, rng);
    case 'status-write':
      return landStatusWrite(run, rng);
    case 'while-scaling':
      return landWhileScaling(run, rng);
    case 'idle':
      return landIdle(run, rng);
  }
}

/** Where the kill of `killed` really landed, judged from the status, the pool and ACK's record right after it. */
export async function classifyPoolKill(run: ChaosRun, killed: ControllerProcess): Promise<KillWindow> {
  const sc = await run.read();
  const write = unresolvedWrite(sc);
  if (write !== undefined) {
    const from = write.at - CLOCK_SLACK_MS;
    const called = run.poolWrites().some((w) => w.at >= from && w.desiredSize === write.desiredSize);
    if (!called) return 'after-intent-before-call';
    const answered = killed.entries.some((e) => (e.message === 'ModifyClusterNodePool accepted' || e.message === 'ModifyClusterNodePool failed') && at(e) >= from);
    return answered ? 'during-status-write' : 'after-call-before-answer';
  }
  if (readAnsweredButNotRecorded(run, sc, killed)) return 'during-status-write';
  const pool = run.pool();
  if (pool.state === 'scaling' || pool.counts.initial_nodes > 0) return 'while-scaling';
  return (sc.status?.nodePool?.desiredSize ?? 0) < sc.spec.replicas ? 'before-call' : 'idle';
}

/** The killed process had a pool read answered (after the status's last observation of the pool) that the status does not hold yet. */
function readAnsweredButNotRecorded(run: ChaosRun, sc: SandboxCapacity, killed: ControllerProcess): boolean {
  const observed = Date.parse(sc.status?.nodePool?.observedTime ?? '') || 0;
  return run.sim.control.requests({ action: 'DescribeClusterNodePoolDetail' })
    .some((r) => r.path.includes(`/${run.clusterId}/`) && r.status >= 200 && r.status < 300 && !r.faults.includes('slow')
      && Date.parse(r.time) >= Math.max(killed.startedAt, observed + CLOCK_SLACK_MS));
}
