// The ScaleOutCluster backend's refresh: before the planner decides, ACK's view of our requests is
// folded into the status — DescribeTaskInfo for every task due a poll, and, for every intent whose
// outcome is unknown, a search of the cluster's own task list (DescribeClusterTasks, then
// DescribeTaskInfo of the candidates for their parameters). Which of those are due is decided
// beforehand from the status alone (core/schedule.ts dueCloudWork), so a settled resource makes no
// call. A read refused for a reason that needs a human stops the refresh and becomes a Blocked.
import type { Logger } from 'winston';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import { cloudErrorOf, type AckApi, type AckTaskInfo } from '../cloud/ack-api.js';
import type { CallBudget } from '../cloud/call-budget.js';
import {
  CREATED_SKEW_ALLOWANCE_MS, EventReason, SCALE_OUT_TASK_TYPE, foldTaskInfo, recoverIntent, toBlocked,
  type Blocked, type ClusterTask, type CloudWork, type Outcome, type PlannedEvent, type TaskInfo,
} from './core/index.js';

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
    ...(info.error ? { error: info.error } : {}),
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
      const blocked = toBlocked(info, 'DescribeTaskInfo');
      if (blocked) return { capacity, events, blocked };
      ctx.logger.warn('DescribeTaskInfo failed; will poll again', { taskId, code: info.code, kind: info.kind, error: info.message });
    }
  }
  return { capacity, events };
}

async function candidateTasks(sc: SandboxCapacity, startMs: number, ctx: FollowContext): Promise<ClusterTask[]> {
  await ctx.budget.acquire();
  const listed = await ctx.api.describeClusterTasks(sc.spec.clusterId, 1, RECOVERY_PAGE_SIZE);
  const recent = listed
    .filter((t) => t.taskType === SCALE_OUT_TASK_TYPE && Date.parse(t.created) >= startMs - CREATED_SKEW_ALLOWANCE_MS - 1000)
    .slice(0, MAX_CANDIDATE_LOOKUPS);
  const withParameters: ClusterTask[] = [];
  for (const t of recent) {
    await ctx.budget.acquire();
    const info = await ctx.api.describeTaskInfo(t.taskId);
    withParameters.push({ taskId: t.taskId, taskType: t.taskType, state: t.state, created: t.created, ...(info.parameters ? { parameters: info.parameters } : {}) });
  }
  return withParameters;
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
      const blocked = toBlocked(info, 'DescribeClusterTasks');
      if (blocked) return { capacity, events, blocked };
      ctx.logger.warn('could not list the cluster\'s tasks to recover an intent; will retry', { intentId, code: info.code, error: info.message });
    }
  }
  return { capacity, events };
}

/** Folds every due poll, then every due recovery, into the status. */
export async function followTasks(sc: SandboxCapacity, work: CloudWork, ctx: FollowContext): Promise<Followed> {
  const polled = await pollTasks(sc, work.pollTaskIds, ctx);
  if (polled.blocked) return polled;
  const recovered = await recoverIntents(polled.capacity, work.recoverIntentIds, ctx);
  return { ...recovered, events: [...polled.events, ...recovered.events] };
}
