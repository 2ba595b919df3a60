// The capacity-backend seam of the shell. The planner decides backend-neutrally how many nodes are
// missing, how many are in flight and where the next ones should go (core/plan.ts, through the
// backend's Ledger in core/); a backend knows how its requests are recorded, followed and made:
//   due      which cloud reads the status calls for now (pure; nothing due → no Secret read, no call);
//   refresh  folds the cloud's answers into the status before the plan;
//   execute  makes the one planned request, exactly once.
// Two backends, chosen per resource by the spec (reconciler.ts, core/plan.ts ledgerFor): ScaleOutCluster
// (legacy; tasks in status.tasks) below, and the node pool's (spec.nodePool; status.nodePool) in
// node-pool-backend.ts with its Ledger in core/node-pool.ts.
import type { Logger } from 'winston';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { AckApi } from '../cloud/ack-api.js';
import type { CallBudget } from '../cloud/call-budget.js';
import type { StatusStore } from '../kube/status-store.js';
import type { OperatorMetrics } from '../observability/metrics.js';
import type { Reachable, RequestAccess } from './cloud-session.js';
import type { ClusterTaskLists } from './cluster-task-lists.js';
import { dueCloudWork, hasCloudWork, type Blocked, type CloudWork, type Decision, type ObservedNode } from './core/index.js';
import type { LeaderFence, NodeReader } from './ports.js';
import { executeScaleOut, type Executed } from './scale-out-executor.js';
import { followTasks, type Followed } from './task-follower.js';

/** What the reconciler remembers per resource between reconciles (lost on restart, by design harmless). */
export interface PollMemory {
  /** Per task id, when it was last polled. */
  lastPolled: Map<string, number>;
  /** When each task's poll was last brought forward because more Nodes appeared. */
  pulledForward: Map<string, number>;
  /** When unjoined instances were last looked up. */
  unjoinedCheckedAt?: number;
}

export interface CallContext {
  api: AckApi;
  budget: CallBudget;
  now: () => number;
  random: () => number;
  logger: Logger;
}

export interface RefreshContext extends CallContext {
  memory: PollMemory;
  recoveryWindowMs: number;
  nodes: NodeReader;
  /** The clusters' task lists, shared by every resource of a cluster. */
  taskLists?: ClusterTaskLists;
}

export interface ActContext extends Omit<CallContext, 'api'> {
  /** The client and the login password, still being read while the intent is written: awaited before the call. */
  access: Promise<Reachable<RequestAccess>>;
  /** The plan again with a precondition found gone (the credentials), to write over an intent whose call was never made. */
  replan: (blocked: Blocked) => Decision;
  store: StatusStore;
  fence: LeaderFence;
  metrics?: OperatorMetrics;
}

export interface DueOptions {
  nowMs: number;
  dryRun: boolean;
  /** How often a settled resource's backend may read the cloud anyway (node pools: drift); the resync period. */
  settledReadMs?: number;
}

export interface CapacityBackend<Work> {
  due(capacity: SandboxCapacity, nodes: readonly ObservedNode[], memory: PollMemory, options: DueOptions): Work | undefined;
  refresh(capacity: SandboxCapacity, work: Work, ctx: RefreshContext): Promise<Followed>;
  execute(base: SandboxCapacity, decision: Decision, ctx: ActContext): Promise<Executed>;
}

export const scaleOutClusterBackend: CapacityBackend<CloudWork> = {
  due(capacity, nodes, memory, { nowMs, dryRun }) {
    const work = dueCloudWork(capacity, nodes, memory, nowMs, dryRun);
    return hasCloudWork(work) ? work : undefined;
  },
  refresh(capacity, work, ctx) {
    const { memory } = ctx;
    return followTasks(capacity, work, { ...ctx, lastPolled: memory.lastPolled, markUnjoinedChecked: () => { memory.unjoinedCheckedAt = ctx.now(); } });
  },
  execute(base, decision, ctx) {
    return executeScaleOut(base, decision, ctx);
  },
};
