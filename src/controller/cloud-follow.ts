// Brings ACK's view into the status before the planner decides: folds DescribeTaskInfo answers of
// tasks that are due a poll, and resolves intents whose outcome is unknown from the cluster's own
// task list. Only called when something is in flight, so a steady state makes no cloud calls.
import type { Logger } from 'winston';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { AckApi, AckTaskInfo } from '../cloud/ack-api.js';
import { classifyCloudError } from '../cloud/errors.js';
import {
  CREATED_SKEW_ALLOWANCE_MS, SCALE_OUT_TASK_TYPE, foldTaskInfo, isPollDue, recoverIntent, toBlocked,
  type Blocked, type ClusterTask, type Decision, type PlannedEvent, type TaskInfo,
} from './core/index.js';

export interface FollowContext {
  api: AckApi;
  now: () => number;
  random: () => number;
  logger: Logger;
  /** Per task id, when it was last polled (kept in memory by the reconciler). */
  lastPolled: Map<string, number>;
  /** Waits for the global cloud call budget. */
  throttle: () => Promise<void>;
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

async function pollTasks(sc: SandboxCapacity, decision: Decision, ctx: FollowContext): Promise<Followed> {
  let capacity = sc;
  const events: PlannedEvent[] = [];
  for (const taskId of decision.pollTaskIds) {
    const record = capacity.status?.tasks?.find((t) => t.taskId === taskId);
    if (!record || !isPollDue(record, ctx.lastPolled.get(taskId), ctx.now())) continue;
    await ctx.throttle();
    try {
      const info = await ctx.api.describeTaskInfo(taskId);
      ctx.lastPolled.set(taskId, ctx.now());
      const outcome = foldTaskInfo(capacity, taskId, toCoreTaskInfo(info), ctx.now(), ctx.random);
      capacity = { ...capacity, status: outcome.status };
      events.push(...outcome.events);
    } catch (err) {
      const info = classifyCloudError(err, 'read');
      const blocked = toBlocked(info, 'DescribeTaskInfo');
      if (blocked) return { capacity, events, blocked };
      ctx.logger.warn('DescribeTaskInfo failed; will poll again', { taskId, code: info.code, kind: info.kind });
    }
  }
  return { capacity, events };
}

async function candidateTasks(sc: SandboxCapacity, startMs: number, ctx: FollowContext): Promise<ClusterTask[]> {
  await ctx.throttle();
  const listed = await ctx.api.describeClusterTasks(sc.spec.clusterId, 1, RECOVERY_PAGE_SIZE);
  const recent = listed
    .filter((t) => t.taskType === SCALE_OUT_TASK_TYPE && Date.parse(t.created) >= startMs - CREATED_SKEW_ALLOWANCE_MS - 1000)
    .slice(0, MAX_CANDIDATE_LOOKUPS);
  const withParameters: ClusterTask[] = [];
  for (const t of recent) {
    await ctx.throttle();
    const info = await ctx.api.describeTaskInfo(t.taskId);
    withParameters.push({ taskId: t.taskId, taskType: t.taskType, state: t.state, created: t.created, ...(info.parameters ? { parameters: info.parameters } : {}) });
  }
  return withParameters;
}

async function recoverIntents(sc: SandboxCapacity, decision: Decision, ctx: FollowContext): Promise<Followed> {
  let capacity = sc;
  const events: PlannedEvent[] = [];
  for (const intentId of decision.recoverIntentIds) {
    const record = capacity.status?.tasks?.find((t) => t.intentId === intentId);
    if (record?.state !== 'Requesting') continue;
    try {
      const tasks = await candidateTasks(capacity, Date.parse(record.startTime), ctx);
      const outcome = recoverIntent(capacity, intentId, tasks, ctx.now(), { random: ctx.random, windowMs: ctx.recoveryWindowMs });
      capacity = { ...capacity, status: outcome.status };
      events.push(...outcome.events);
    } catch (err) {
      const info = classifyCloudError(err, 'read');
      const blocked = toBlocked(info, 'DescribeClusterTasks');
      if (blocked) return { capacity, events, blocked };
      ctx.logger.warn('could not list the cluster\'s tasks to recover an intent; will retry', { intentId, code: info.code });
    }
  }
  return { capacity, events };
}

export async function followCloud(sc: SandboxCapacity, decision: Decision, ctx: FollowContext): Promise<Followed> {
  const polled = await pollTasks(sc, decision, ctx);
  if (polled.blocked) return polled;
  const recovered = await recoverIntents(polled.capacity, decision, ctx);
  return { ...recovered, events: [...polled.events, ...recovered.events] };
}

/** Whether following the cloud would make any call now. */
export function needsCloud(sc: SandboxCapacity, decision: Decision, lastPolled: ReadonlyMap<string, number>, nowMs: number): boolean {
  if (decision.recoverIntentIds.length > 0) return true;
  return decision.pollTaskIds.some((id) => {
    const record = sc.status?.tasks?.find((t) => t.taskId === id);
    return record !== undefined && isPollDue(record, lastPolled.get(id), nowMs);
  });
}
