// The ScaleOutCluster backend's refresh: before the planner decides, ACK's view of our requests is
// folded into the status —
//   - for every task due a poll, its cluster's task list, shared with the cluster's other resources
//     (cluster-task-lists.ts): a task still running there is refreshed; DescribeTaskInfo is asked of
//     the others (finished, not listed, or brought forward by joining Nodes);
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
import { cloudErrorOf, type AckApi, type AckClusterTask, type AckTaskInfo } from '../cloud/ack-api.js';
import type { CallBudget } from '../cloud/call-budget.js';
import {
  CREATED_SKEW_ALLOWANCE_MS, EventReason, SCALE_OUT_TASK_TYPE, adoptOwnTasks, classifyAckTaskState, credentialsOf, foldTaskInfo, foldUnjoinedLookups, recoverIntent, toBlocked,
  type Blocked, type ClusterTask, type CloudWork, type Outcome, type OwnTaskCandidate, type PlannedEvent, type TaskInfo, type UnjoinedLookup,
} from './core/index.js';
import type { ClusterTaskLists } from './cluster-task-lists.js';
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
  /** The clusters' task lists shared by all resources (cluster-task-lists.ts); without it each resource reads its own. */
  taskLists?: ClusterTaskLists;
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

/**
 * When the cluster's shared task list shows the task still running: the time that list was read,
 * which counts as this task's poll. Any list read after the task's last poll will do — it is news —
 * so the tasks of a cluster fall into step and one read per poll interval refreshes them all.
 * Undefined when only DescribeTaskInfo can tell: the task is finished or not listed, its poll was
 * brought forward by joining Nodes (their instance ids are wanted), or there is no shared list.
 */
async function stillRunningPerList(sc: SandboxCapacity, record: { taskId: string; startTime: string }, ctx: FollowContext): Promise<number | undefined> {
  const lastPolled = ctx.lastPolled.get(record.taskId);
  if (ctx.taskLists === undefined || lastPolled === 0) return undefined;
  const { taskId } = record;
  try {
    // startTime has whole seconds: a list read within that second may predate the task.
    const newerThan = lastPolled ?? Date.parse(record.startTime) + 1000;
    let list = await ctx.taskLists.list(ctx.api, ctx.budget, sc.spec.clusterId, Number.isFinite(newerThan) ? newerThan + 1 : ctx.now());
    let listed = list.tasks.find((t) => t.taskId === taskId);
    if (listed === undefined && list.readAtMs < ctx.now()) {
      // Read before the task was listed: one fresh read before asking the task by itself.
      list = await ctx.taskLists.list(ctx.api, ctx.budget, sc.spec.clusterId, ctx.now());
      listed = list.tasks.find((t) => t.taskId === taskId);
    }
    return listed !== undefined && classifyAckTaskState(listed.state) === 'running' ? list.readAtMs : undefined;
  } catch (err) {
    ctx.logger.debug('DescribeClusterTasks failed; polling the task by itself', { taskId, error: cloudErrorOf(err, 'read').message });
    return undefined;
  }
}

async function pollTasks(sc: SandboxCapacity, taskIds: readonly string[], ctx: FollowContext): Promise<Followed> {
  let capacity = sc;
  const events: PlannedEvent[] = [];
  for (const taskId of taskIds) {
    const startTime = capacity.status?.tasks?.find((t) => t.taskId === taskId)?.startTime ?? '';
    const listedAt = await stillRunningPerList(sc, { taskId, startTime }, ctx);
    if (listedAt !== undefined) {
      ctx.lastPolled.set(taskId, listedAt);
      continue;
    }
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

/** How candidateTasks reads: its own list and answers, or the cluster's shared ones, read after `notBeforeMs`. */
type CandidateReads = { shared: false } | { shared: true; lists: ClusterTaskLists; notBeforeMs: number };

async function listTasks(sc: SandboxCapacity, reads: CandidateReads, ctx: FollowContext): Promise<readonly AckClusterTask[]> {
  if (reads.shared) return (await reads.lists.list(ctx.api, ctx.budget, sc.spec.clusterId, reads.notBeforeMs)).tasks;
  await ctx.budget.acquire();
  return ctx.api.describeClusterTasks(sc.spec.clusterId, 1, RECOVERY_PAGE_SIZE);
}

async function describeTask(task: AckClusterTask, reads: CandidateReads, ctx: FollowContext): Promise<AckTaskInfo> {
  if (reads.shared) return reads.lists.taskInfo(ctx.api, ctx.budget, task.taskId, task.state);
  const taskId = task.taskId;
  await ctx.budget.acquire();
  return ctx.api.describeTaskInfo(taskId);
}

/** The cluster's scale-out tasks created since `sinceMs` (newest first, at most MAX_CANDIDATE_LOOKUPS), with parameters and results. */
async function candidateTasks(sc: SandboxCapacity, sinceMs: number, ctx: FollowContext, reads: CandidateReads = { shared: false }): Promise<OwnTaskCandidate[]> {
  const listed = await listTasks(sc, reads, ctx);
  const recent = listed
    .filter((t) => t.taskType === SCALE_OUT_TASK_TYPE && Date.parse(t.created) >= sinceMs - CREATED_SKEW_ALLOWANCE_MS - 1000)
    .slice(0, MAX_CANDIDATE_LOOKUPS);
  const found: OwnTaskCandidate[] = [];
  for (const t of recent) {
    const info = await describeTask(t, reads, ctx);
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
    // An earlier incarnation's tasks were all created before this resource was, so the cluster's list
    // shared with its other resources will do if it was read since (with the clocks' allowed skew).
    const created = Date.parse(sc.metadata.creationTimestamp ?? '');
    const reads: CandidateReads = ctx.taskLists !== undefined && Number.isFinite(created)
      ? { shared: true, lists: ctx.taskLists, notBeforeMs: created + CREATED_SKEW_ALLOWANCE_MS }
      : { shared: false };
    const candidates = await candidateTasks(sc, 0, ctx, reads);
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
