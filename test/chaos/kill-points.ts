// Landing a SIGKILL in a chosen window of the scale-out path (node-pool mode: node-pool-kill-points.ts), and saying afterwards where it really
// landed (timing on a busy machine decides that, so the suite reports landings, not intentions).
//
// Targets and how they are landed:
//   before-call   once no intent is unresolved, kill 0–1.5 s after the controller has work (a fresh
//                 replicas bump, or work left): before the intent is written, or between the intent
//                 write and the call;
//   after-call    a one-shot `slow` fault holds back the answer of the next ScaleOutCluster (the call
//                 is carried out, the task exists); kill while the controller waits for it;
//   status-write  the controller's API server connection gets 100–800 ms of latency, and the kill
//                 comes within that much after ACK answered a ScaleOutCluster or a DescribeTaskInfo:
//                 the controller is folding the answer and writing the status;
//   during-task   kill while a task runs at ACK.
// Landings (classify): idle, before-call, after-intent-before-call, after-call-before-answer,
// during-status-write, during-task.
import type { SandboxCapacity } from '../../src/api/sandbox-capacity.js';
import type { SimTaskView } from '../../src/simulator/index.js';
import type { ChaosRun } from './chaos-run.js';
import type { ControllerProcess } from './controller-process.js';
import { approachPoolTarget, classifyPoolKill } from './node-pool-kill-points.js';
import type { Rng } from './prng.js';
import type { KillTarget } from './run-plan.js';

export type KillWindow = 'idle' | 'before-call' | 'after-intent-before-call' | 'after-call-before-answer' | 'during-status-write' | 'during-task' | 'while-scaling';

const INTENT_TAG_KEY = 'capacity.sandbox.dev/intent';
const TRIGGER_TIMEOUT_MS = 30_000;
const WORK_CHECK_MS = 3_000;
const MAX_REPLICAS = 40;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function intentTagOf(task: SimTaskView): string | undefined {
  const tags = task.parameters.tags;
  if (!Array.isArray(tags)) return undefined;
  const tag = (tags as { key?: unknown; value?: unknown }[]).find((t) => t.key === INTENT_TAG_KEY);
  return typeof tag?.value === 'string' ? tag.value : undefined;
}

/** Ready at the desired size, nothing in flight, no unfinished task record. */
export function settled(sc: SandboxCapacity): boolean {
  const s = sc.status;
  return s?.readyReplicas === sc.spec.replicas && s.inFlightReplicas === 0 && !(s.tasks ?? []).some((t) => ['Requesting', 'Running', 'TimedOut'].includes(t.state));
}

/** Gives the controller something to do when it has settled: replicas go up by 1–3. Returns whether it bumped. */
export async function ensureWork(run: ChaosRun, rng: Rng): Promise<boolean> {
  const sc = await run.read();
  if (!settled(sc) || sc.spec.replicas >= MAX_REPLICAS) return false;
  await run.setReplicas(Math.min(MAX_REPLICAS, sc.spec.replicas + rng.int(1, 3)));
  return true;
}

/** Polls until found() is true, making sure there is work every few seconds; false on timeout. */
export async function waitFor(run: ChaosRun, rng: Rng, found: () => boolean): Promise<boolean> {
  const deadline = Date.now() + TRIGGER_TIMEOUT_MS;
  let nextWorkCheck = Date.now();
  while (Date.now() < deadline) {
    if (found()) return true;
    if (Date.now() >= nextWorkCheck) {
      nextWorkCheck = Date.now() + WORK_CHECK_MS;
      await ensureWork(run, rng).catch(() => false);
    }
    await sleep(10);
  }
  return false;
}

function lastSeq(run: ChaosRun): number {
  return run.sim.control.requests().at(-1)?.seq ?? 0;
}

async function landBeforeCall(run: ChaosRun, rng: Rng): Promise<void> {
  // Not while an earlier intent is still unresolved: the next call has to come from a fresh decision.
  const deadline = Date.now() + TRIGGER_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const sc = await run.read().catch(() => undefined);
    if (sc && !(sc.status?.tasks ?? []).some((t) => t.state === 'Requesting')) break;
    await sleep(100);
  }
  const bumped = await ensureWork(run, rng).catch(() => false);
  await sleep(bumped ? rng.int(0, 400) : rng.int(0, 1_500));
}

async function landAfterCall(run: ChaosRun, rng: Rng): Promise<void> {
  const since = lastSeq(run);
  const rule = run.sim.control.addFault({ kind: 'slow', action: 'ScaleOutCluster', delayMs: rng.int(1_500, 6_000), times: 1 });
  const held = await waitFor(run, rng, () => run.sim.control.requests({ action: 'ScaleOutCluster', since }).some((r) => r.faults.includes('slow')));
  run.sim.control.removeFault(rule.id);
  if (held) await sleep(rng.int(0, 800));
}

async function landStatusWrite(run: ChaosRun, rng: Rng): Promise<void> {
  // A slow API server (for this controller only) keeps the write in flight longer; killOnce lifts it.
  const latency = rng.int(100, 800);
  run.proxy.setLatency(latency);
  const since = lastSeq(run);
  const action = rng.chance(0.6) ? 'ScaleOutCluster' : 'DescribeTaskInfo';
  const answered = await waitFor(run, rng, () => run.sim.control.requests({ action, since }).some((r) => r.status >= 200 && r.status < 300));
  if (answered) await sleep(rng.int(0, latency + 100));
}

async function landDuringTask(run: ChaosRun, rng: Rng): Promise<void> {
  const running = await waitFor(run, rng, () => run.tasks().some((t) => t.state === 'running'));
  if (running) await sleep(rng.int(0, run.plan.taskDurationMs));
}

/** Waits until the target window is (probably) open; the caller kills right after. */
export async function approach(target: KillTarget, run: ChaosRun, rng: Rng): Promise<void> {
  if (run.plan.mode === 'node-pool') return approachPoolTarget(target, run, rng);
  switch (target) {
    case 'before-call':
      return landBeforeCall(run, rng);
    case 'after-call':
      return landAfterCall(run, rng);
    case 'status-write':
      return landStatusWrite(run, rng);
    case 'during-task':
      return landDuringTask(run, rng);
    default:
      throw new Error(`kill target ${target} is not one of ScaleOutCluster mode`);
  }
}

/** Where the kill of `killed` really landed, judged from the status and ACK's tasks and records right after it. */
export function classify(run: ChaosRun, killed: ControllerProcess): Promise<KillWindow> {
  return run.plan.mode === 'node-pool' ? classifyPoolKill(run, killed) : classifyScaleOutKill(run, killed);
}

async function classifyScaleOutKill(run: ChaosRun, killed: ControllerProcess): Promise<KillWindow> {
  const sc = await run.read();
  const tasks = run.tasks();
  const records = sc.status?.tasks ?? [];
  const requesting = records.find((r) => r.state === 'Requesting');
  if (requesting) return classifyRequesting(requesting.intentId, tasks, killed);
  const following = records.filter((r) => r.state === 'Running' || r.state === 'TimedOut');
  if (following.some((r) => resultAnsweredButNotRecorded(run, tasks.find((t) => t.taskId === r.taskId), killed.startedAt))) return 'during-status-write';
  if (tasks.some((t) => t.state === 'running') || following.length > 0) return 'during-task';
  const have = (sc.status?.replicas ?? 0) + (sc.status?.inFlightReplicas ?? 0);
  return have < sc.spec.replicas ? 'before-call' : 'idle';
}

/** An intent on record: did ACK get the call, and did the killed process already hold the answer? */
function classifyRequesting(intentId: string, tasks: readonly SimTaskView[], killed: ControllerProcess): KillWindow {
  if (!tasks.some((t) => intentTagOf(t) === intentId)) return 'after-intent-before-call';
  const answered = killed.logged('ScaleOutCluster accepted').some((e) => e.intentId === intentId);
  return answered ? 'during-status-write' : 'after-call-before-answer';
}

/** ACK has already told the killed controller the task's final state, but the status still shows it running. */
function resultAnsweredButNotRecorded(run: ChaosRun, task: SimTaskView | undefined, since: number): boolean {
  if (!task || task.state === 'running') return false;
  const finishedAt = Math.max(Date.parse(task.updated), since);
  return run.sim.control.requests({ action: 'DescribeTaskInfo' })
    .some((r) => r.path === `/tasks/${task.taskId}` && r.status >= 200 && r.status < 300 && Date.parse(r.time) >= finishedAt);
}
