// The exactly-once path of a ScaleOutCluster call:
//   1. persist the status holding the intent (state Requesting) — a stale cache fails here (409)
//      and nothing is called. Meanwhile, not after: the credentials Secret is read and the client made;
//      neither calls ACK, and the call waits for both. Credentials found missing then are written
//      over the intent (the planner's blocked status): that call was never made, so there is no task
//      to look for;
//   2. wait for the cloud call budget, check the leader lease is still ours (fencing), then call ACK
//      once (no HTTP-level retry);
//   3. fold the answer in and persist it; if that write races a spec change, re-read and re-fold.
// A crash between any two steps leaves a Requesting intent that the next reconcile recovers from
// ACK's task list (task-follower.ts): the same nodes are never requested twice.
import type { Logger } from 'winston';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import { cloudErrorOf } from '../cloud/ack-api.js';
import type { CallBudget } from '../cloud/call-budget.js';
import { buildScaleOutBody } from '../cloud/scale-out-body.js';
import { isConflict } from '../kube/api-errors.js';
import type { StatusStore } from '../kube/status-store.js';
import type { OperatorMetrics } from '../observability/metrics.js';
import { recordScaleOutAccepted, recordScaleOutFailed, withCurrentSpellings, type Blocked, type Decision, type Outcome, type PlannedEvent, type ScaleOutRequest } from './core/index.js';
import type { Reachable, RequestAccess } from './cloud-session.js';
import type { LeaderFence } from './ports.js';
import { countScaleOut } from './resource-metrics.js';

export interface ExecuteContext {
  access: Promise<Reachable<RequestAccess>>;
  replan: (blocked: Blocked) => Decision;
  budget: CallBudget;
  store: StatusStore;
  fence: LeaderFence;
  now: () => number;
  random: () => number;
  logger: Logger;
  metrics?: OperatorMetrics;
}

export interface Executed {
  capacity: SandboxCapacity;
  events: PlannedEvent[];
  /** False when the call was not made (lease lost, or credentials missing, after the intent was written). */
  called: boolean;
  /** The decision written instead, when the credentials turned out missing. */
  replanned?: Decision;
}

const RESULT_WRITE_ATTEMPTS = 3;

async function callAck(sc: SandboxCapacity, request: ScaleOutRequest, access: RequestAccess, ctx: ExecuteContext): Promise<(capacity: SandboxCapacity) => Outcome> {
  const template = sc.spec.scaleOut;
  if (template === undefined) throw new Error('a ScaleOutCluster request for a resource without spec.scaleOut');
  const body = buildScaleOutBody({
    template, count: request.count, vswitchIds: request.vswitchIds, intentId: request.intentId, owner: request.ownerTag.value,
    ...(access.loginPassword !== undefined ? { loginPassword: access.loginPassword } : {}),
  });
  ctx.logger.info('calling ScaleOutCluster', { intentId: request.intentId, count: request.count, vswitchIds: request.vswitchIds });
  try {
    const accepted = await access.api.scaleOutCluster(sc.spec.clusterId, body);
    if (ctx.metrics) countScaleOut(ctx.metrics, sc, request.count);
    ctx.logger.info('ScaleOutCluster accepted', { intentId: request.intentId, taskId: accepted.taskId, requestId: accepted.requestId });
    return (capacity) => recordScaleOutAccepted(capacity, request.intentId, accepted, ctx.now());
  } catch (err) {
    const info = cloudErrorOf(err, 'mutation');
    if (ctx.metrics) countScaleOut(ctx.metrics, sc, request.count, info);
    ctx.logger.warn('ScaleOutCluster failed', { intentId: request.intentId, code: info.code, kind: info.kind, error: info.message });
    return (capacity) => recordScaleOutFailed(capacity, request.intentId, info, ctx.now(), ctx.random);
  }
}

/** Folds the call's answer into the object holding the intent and writes it; on a 409 re-reads and re-folds. Shared with the node-pool executor. */
export async function writeResult(intentWritten: SandboxCapacity, fold: (capacity: SandboxCapacity) => Outcome, ctx: Pick<ExecuteContext, 'store'>): Promise<{ capacity: SandboxCapacity; events: PlannedEvent[] }> {
  let base = intentWritten;
  for (let attempt = 1; ; attempt++) {
    const outcome = fold(base);
    try {
      return { capacity: await ctx.store.write(base, outcome.status), events: outcome.events };
    } catch (err) {
      // Someone changed the object (e.g. kubectl scale) between our two writes. The intent is in the
      // fresh object too, so folding the answer into it is safe; giving up is also safe (recovery).
      if (!isConflict(err) || attempt >= RESULT_WRITE_ATTEMPTS) throw err;
      base = withCurrentSpellings(await ctx.store.readFresh(base.metadata.namespace, base.metadata.name));
    }
  }
}

export async function executeScaleOut(sc: SandboxCapacity, decision: Decision, ctx: ExecuteContext): Promise<Executed> {
  const request = decision.request;
  if (!request) throw new Error('executeScaleOut without a request');
  const [intentWritten, access] = await Promise.all([ctx.store.write(sc, decision.status), ctx.access]);
  // The token is taken once the intent is in the API server: a call that waits for it is already safe to lose.
  await ctx.budget.acquire('request');
  if (!ctx.fence.isLeading()) {
    ctx.logger.warn('leader lease lost after writing the intent; not calling ACK (the next leader recovers it)', { intentId: request.intentId });
    return { capacity: intentWritten, events: decision.events, called: false };
  }
  if (!access.ok) {
    const blocked = ctx.replan(access.blocked);
    ctx.logger.info('credentials missing after the intent was written; the intent is withdrawn, ACK was not called', { intentId: request.intentId });
    return { capacity: await ctx.store.write(intentWritten, blocked.status), events: blocked.events, called: false, replanned: blocked };
  }
  const fold = await callAck(intentWritten, request, access.value, ctx);
  const result = await writeResult(intentWritten, fold, ctx);
  return { capacity: result.capacity, events: [...decision.events, ...result.events], called: true };
}
