// The node-pool backend behind the capacity-backend seam (backend.ts):
//   due      the pool read the status calls for (core/node-pool-schedule.ts): at most one
//            DescribeClusterNodePoolDetail per reconcile, and DescribeTaskInfo of our last write's task
//            only while the pool reports failed nodes;
//   refresh  folds the read in (drift, eligibility, counts; core/node-pool-outcomes.ts);
//   execute  the one absolute desired-size write (node-pool-executor.ts).
import { cloudErrorOf } from '../cloud/ack-api.js';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import { dueNodePoolWork, foldNodePoolRead, foldNodePoolReadError, foldPoolTaskError, type NodePoolWork, type PlannedEvent } from './core/index.js';
import type { CapacityBackend, RefreshContext } from './backend.js';
import { executePoolWrite } from './node-pool-executor.js';
import type { Followed } from './task-follower.js';

async function readPool(sc: SandboxCapacity, ctx: RefreshContext): Promise<Followed> {
  const nodepoolId = sc.spec.nodePool?.id ?? '';
  await ctx.budget.acquire();
  try {
    const pool = await ctx.api.describeNodePool(sc.spec.clusterId, nodepoolId);
    const outcome = foldNodePoolRead(sc, pool, ctx.now());
    return { capacity: { ...sc, status: outcome.status }, events: outcome.events };
  } catch (err) {
    const info = cloudErrorOf(err, 'read');
    const failure = foldNodePoolReadError(sc, info);
    if (failure.blocked !== undefined) return { capacity: sc, events: [], blocked: failure.blocked };
    if (failure.outcome !== undefined) return { capacity: { ...sc, status: failure.outcome.status }, events: failure.outcome.events };
    ctx.logger.warn('DescribeClusterNodePoolDetail failed; will read again', { nodepoolId, code: info.code, kind: info.kind, error: info.message });
    return { capacity: sc, events: [] };
  }
}

/** Why the pool's nodes fail: the error of our last write's task (e.g. OperationDenied.NoStock). */
async function readTaskError(sc: SandboxCapacity, taskId: string, ctx: RefreshContext): Promise<SandboxCapacity> {
  await ctx.budget.acquire();
  try {
    const info = await ctx.api.describeTaskInfo(taskId);
    return info.error === undefined ? sc : { ...sc, status: foldPoolTaskError(sc, { code: info.error.code, message: info.error.message }) };
  } catch (err) {
    const info = cloudErrorOf(err, 'read');
    ctx.logger.warn('DescribeTaskInfo of the pool write failed; will try again', { taskId, code: info.code, kind: info.kind });
    return sc;
  }
}

export const nodePoolBackend: CapacityBackend<NodePoolWork> = {
  due(capacity, nodes, _memory, { nowMs, settledReadMs }) {
    return dueNodePoolWork(capacity, nodes, nowMs, settledReadMs);
  },
  async refresh(capacity, work, ctx) {
    const read = await readPool(capacity, ctx);
    if (read.blocked !== undefined || work.taskErrorOf === undefined || (read.capacity.status?.nodePool?.failedNodes ?? 0) === 0) return read;
    const events: PlannedEvent[] = read.events;
    return { capacity: await readTaskError(read.capacity, work.taskErrorOf, ctx), events };
  },
  execute(base, decision, ctx) {
    return executePoolWrite(base, decision, ctx);
  },
};
