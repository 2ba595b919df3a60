// The ScaleOutCluster backend's refresh: before the planner decides, ACK's view of our requests is
// folded into the status —
//   - DescribeTaskInfo for every task due a poll;
//   - for every intent whose outcome is unknown, a search of the cluster's own task list
//     (DescribeClusterTasks, then DescribeTaskInfo of the candidates for their parameters);
//   - for a resource that never read that list (new, or re-created), the same search for tasks carrying
//     its owner tag, which are adopted;
//   - for instances that never joined, DescribeClusterNodes (still in the cluster? which Node?) and that
//     Node's labels from the API server.
// Which of those are due is decided beforehand from the status alone (core/schedule.ts dueCloudWork),
// so a settled resource makes no call. A read refused for a reason that needs a human stops the
// refresh and becomes a Blocked.
import type { Logger } from 'winston';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import { cloudErrorOf, type AckApi, type AckTaskInfo } from '../cloud/ack-api.js';
import type { CallBudget } from '../cloud/call-budget.js';
import {
  CREATED_SKEW_ALLOWANCE_MS, EventReason, SCALE_OUT_TASK_TYPE, adoptOwnTasks, classifyAckTaskState, credentialsOf, foldTaskInfo, foldUnjoinedLookups, recoverIntent, toBlocked,
  type Blocked, type ClusterTask, type CloudWork, type Outcome, type OwnTaskCandidate, type PlannedEvent, type TaskInfo, type UnjoinedLookup,
} from './core/index.js';
import type { NodeReader } from './ports.js';

export interface FollowContext {
  api: AckApi;
  budget: CallBudget;
  now: () => number;
  random: () => number;
  logger: Logger;
  /** Per task id, when it was last polled (kept in memory by the reconciler). */
  lastPolled: Map<string, number>;
  /** How long an unknown-outcome intent may take to show up in ACK's task list. */
  recoveryWindowMs: number;
  nodes: NodeReader;
  /** Set when unjoined instances were looked up (paces those lookups). */
  markUnjoinedChecked: () => void;
}

export interface Followed {
  capacity: SandboxCapacity;
  events: PlannedEvent[];
  blocked?: Blocked;
}

/** Task list entries examined per recovery, newest first; DescribeTaskInfo is asked only of scale-outs among them. */
const RECOVERY_PAGE_SIZE = 50;
const MAX_CANDIDATE_LOOKUPS = 10;

function toCoreTaskInfo(info: AckTaskInfo): TaskInfo {
  return {
    state: info.state,
    taskResult: info.results.map((r) => ({ data: r.instanceId, status: r.status })),
    ...(info.error ? { error: { code: info.error.code, message: info.error.message }, errorKind: info.error.kind } : {}),
  };
}

function applied(capacity: SandboxCapacity, outcome: Outcome): SandboxCapacity {
  return { ...capacity, status: outcome.status };
}

async function pollTasks(sc: SandboxCapacity, taskIds: readonly string[], ctx: FollowContext): Promise<Followed> {
  let capacity = sc;
  const events: PlannedEvent[] = [];
  for (const taskId of taskIds) {
    await ctx.budget.acquire();
    try {
      const info = await ctx.api.describeTaskInfo(taskId);
      ctx.lastPolled.set(taskId, ctx.now());
      const outcome = foldTaskInfo(capacity, taskId, toCoreTaskInfo(info), ctx.now(), ctx.random);
      capacity = applied(capacity, outcome);
      events.push(...outcome.events);
    } catch (err) {
      const info = cloudErrorOf(err, 'read');
      const blocked = toBlocked(info, 'DescribeTaskInfo', credentialsOf(sc));
      if (blocked) return { capacity, events, blocked };
      ctx.logger.warn('DescribeTaskInfo failed; will poll again', { taskId, code: info.code, kind: info.kind, error: info.message });
    }
  }
  return { capacity, events };
}

/** The cluster's scale-out tasks created since `sinceMs` (newest first, at most MAX_CANDIDATE_LOOKUPS), with parameters and results. */
async function candidateTasks(sc: SandboxCapacity, sinceMs: number, ctx: FollowContext): Promise<OwnTaskCandidate[]> {
  await ctx.budget.acquire();
  const listed = await ctx.api.describeClusterTasks(sc.spec.clusterId, 1, RECOVERY_PAGE_SIZE);
  const recent = listed
    .filter((t) => t.taskType === SCALE_OUT_TASK_TYPE && Date.parse(t.created) >= sinceMs - CREATED_SKEW_ALLOWANCE_MS - 1000)
    .slice(0, MAX_CANDIDATE_LOOKUPS);
  const found: OwnTaskCandidate[] = [];
  for (const t of recent) {
    await ctx.budget.acquire();
    const info = await ctx.api.describeTaskInfo(t.taskId);
    const task: ClusterTask = { taskId: t.taskId, taskType: t.taskType, state: t.state, created: t.created, ...(info.parameters ? { parameters: info.parameters } : {}) };
    found.push(classifyAckTaskState(info.state) === 'running' ? task : { ...task, result: toCoreTaskInfo(info) });
  }
  return found;
}

/** Adoptions and abandonments are the moments an operator reads the log for after a crash. */
function logRecovery(intentId: string, outcome: Outcome, logger: Logger): void {
  for (const event of outcome.events) {
    if (event.reason === EventReason.TaskAdopted) logger.info('adopted the task of an intent whose outcome was unknown', { intentId, detail: event.message });
    if (event.reason === EventReason.IntentAbandoned) logger.warn('abandoned an intent: no matching task in the cluster\'s task list', { intentId, detail: event.message });
  }
}

async function recoverIntents(sc: SandboxCapacity, intentIds: readonly string[], ctx: FollowContext): Promise<Followed> {
  let capacity = sc;
  const events: PlannedEvent[] = [];
  for (const intentId of intentIds) {
    const record = capacity.status?.tasks?.find((t) => t.intentId === intentId);
    if (record?.state !== 'Requesting') continue;
    try {
      const tasks = await candidateTasks(capacity, Date.parse(record.startTime), ctx);
      const outcome = recoverIntent(capacity, intentId, tasks, ctx.now(), { random: ctx.random, windowMs: ctx.recoveryWindowMs });
      logRecovery(intentId, outcome, ctx.logger);
      capacity = applied(capacity, outcome);
      events.push(...outcome.events);
    } catch (err) {
      const info = cloudErrorOf(err, 'read');
      const blocked = toBlocked(info, 'DescribeClusterTasks', credentialsOf(sc));
      if (blocked) return { capacity, events, blocked };
      ctx.logger.warn('could not list the cluster\'s tasks to recover an intent; will retry', { intentId, code: info.code, error: info.message });
    }
  }
  return { capacity, events };
}

/** A resource's first look at ACK's task list: adopt the tasks an earlier incarnation left (owner tag). */
async function firstLook(sc: SandboxCapacity, ctx: FollowContext): Promise<Followed> {
  try {
    // Any age: an unjoined instance keeps its place however old its task (the newest page is read).
    const candidates = await candidateTasks(sc, 0, ctx);
    const outcome = adoptOwnTasks(sc, candidates, ctx.now());
    for (const event of outcome.events) ctx.logger.info('adopted a task this resource requested before it was re-created', { detail: event.message });
    return { capacity: { ...sc, status: outcome.status }, events: outcome.events };
  } catch (err) {
    const info = cloudErrorOf(err, 'read');
    const blocked = toBlocked(info, 'DescribeClusterTasks', credentialsOf(sc));
    if (blocked) return { capacity: sc, events: [], blocked };
    ctx.logger.warn('could not read the cluster\'s tasks for a first look; nothing is requested until it can', { code: info.code, error: info.message });
    return { capacity: sc, events: [] };
  }
}

/** Unjoined instances: still in ACK? which Node? that Node's labels. */
async function lookUpUnjoined(sc: SandboxCapacity, instanceIds: readonly string[], ctx: FollowContext): Promise<Followed> {
  try {
    await ctx.budget.acquire();
    const listed = await ctx.api.describeClusterNodes(sc.spec.clusterId, { instanceIds, pageNumber: 1, pageSize: 100 });
    const lookups: UnjoinedLookup[] = [];
    for (const instanceId of instanceIds) {
      const node = listed.nodes.find((n) => n.instanceId === instanceId);
      if (node === undefined) lookups.push({ instanceId, inAck: false });
      else lookups.push({ instanceId, inAck: true, ackState: node.state, nodeName: node.nodeName, node: await nodeLabels(node.nodeName, ctx) });
    }
    ctx.markUnjoinedChecked();
    const folded = foldUnjoinedLookups(sc, lookups);
    return { capacity: { ...sc, status: folded.status }, events: folded.events };
  } catch (err) {
    const info = cloudErrorOf(err, 'read');
    const blocked = toBlocked(info, 'DescribeClusterNodes', credentialsOf(sc));
    if (blocked) return { capacity: sc, events: [], blocked };
    ctx.logger.warn('could not look up unjoined instances; they keep counting meanwhile', { code: info.code, error: info.message });
    return { capacity: sc, events: [] };
  }
}

async function nodeLabels(name: string, ctx: FollowContext): Promise<{ labels: Readonly<Record<string, string>> } | 'absent' | undefined> {
  if (name === '') return undefined;
  const labels = await ctx.nodes.labelsOf(name);
  return labels === undefined ? 'absent' : { labels };
}

/** Folds every due read into the status: polls, recoveries, the first look, unjoined lookups. */
export async function followTasks(sc: SandboxCapacity, work: CloudWork, ctx: FollowContext): Promise<Followed> {
  const steps: ((capacity: SandboxCapacity) => Promise<Followed>)[] = [
    (c) => pollTasks(c, work.pollTaskIds, ctx),
    (c) => recoverIntents(c, work.recoverIntentIds, ctx),
    (c) => (work.firstLook ? firstLook(c, ctx) : Promise.resolve({ capacity: c, events: [] })),
    (c) => (work.unjoinedInstanceIds.length > 0 ? lookUpUnjoined(c, work.unjoinedInstanceIds, ctx) : Promise.resolve({ capacity: c, events: [] })),
  ];
  let capacity = sc;
  const events: PlannedEvent[] = [];
  for (const step of steps) {
    const followed = await step(capacity);
    capacity = followed.capacity;
    events.push(...followed.events);
    if (followed.blocked) return { capacity, events, blocked: followed.blocked };
  }
  return { capacity, events };
}
