// The exactly-once path of a ScaleOutCluster call:
//   1. persist the status holding the intent (state Requesting) — a stale cache fails here (409)
//      and nothing is called;
//   2. check the leader lease is still ours (fencing), then call ACK once (no HTTP-level retry);
//   3. fold the answer in and persist it; if that write races a spec change, re-read and re-fold.
// A crash between any two steps leaves a Requesting intent that the next reconcile recovers from
// ACK's task list (cloud-follow.ts): the same nodes are never requested twice.
import type { Logger } from 'winston';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { AckApi } from '../cloud/ack-api.js';
import { classifyScaleOutError } from '../cloud/errors.js';
import { buildScaleOutBody } from '../cloud/scale-out-body.js';
import type { OperatorMetrics } from '../observability/metrics.js';
import { recordScaleOutAccepted, recordScaleOutFailed, type Decision, type Outcome, type PlannedEvent, type ScaleOutRequest } from './core/index.js';

export interface StatusStore {
  /** Writes the status with the object's resourceVersion; throws the API error (409 on a stale object). */
  write(current: SandboxCapacity, status: NonNullable<SandboxCapacity['status']>): Promise<SandboxCapacity>;
  /** Reads the object from the API server, bypassing the cache. */
  readFresh(namespace: string, name: string): Promise<SandboxCapacity>;
}

export interface ExecuteContext {
  api: AckApi;
  store: StatusStore;
  loginPassword?: string;
  isLeaderNow: () => boolean;
  throttle: () => Promise<void>;
  now: () => number;
  random: () => number;
  logger: Logger;
  metrics?: OperatorMetrics;
  isConflict: (err: unknown) => boolean;
}

export interface Executed {
  capacity: SandboxCapacity;
  events: PlannedEvent[];
  /** False when the call was not made (lease lost after the intent was written). */
  called: boolean;
}

const RESULT_WRITE_ATTEMPTS = 3;

async function callAck(sc: SandboxCapacity, request: ScaleOutRequest, ctx: ExecuteContext): Promise<(capacity: SandboxCapacity) => Outcome> {
  const body = buildScaleOutBody({
    template: sc.spec.scaleOut, count: request.count, vswitchIds: request.vswitchIds, intentId: request.intentId,
    ...(ctx.loginPassword !== undefined ? { loginPassword: ctx.loginPassword } : {}),
  });
  ctx.logger.info('calling ScaleOutCluster', { intentId: request.intentId, count: request.count, vswitchIds: request.vswitchIds });
  try {
    const accepted = await ctx.api.scaleOutCluster(sc.spec.clusterId, body);
    ctx.metrics?.scaleOutRequests.labels('accepted').inc();
    ctx.metrics?.nodesRequested.labels('accepted').inc(request.count);
    ctx.logger.info('ScaleOutCluster accepted', { intentId: request.intentId, taskId: accepted.taskId, requestId: accepted.requestId });
    return (capacity) => recordScaleOutAccepted(capacity, request.intentId, accepted, ctx.now());
  } catch (err) {
    const info = classifyScaleOutError(err);
    const result = info.kind === 'unknownOutcome' ? 'unknown' : 'refused';
    ctx.metrics?.scaleOutRequests.labels(result).inc();
    ctx.metrics?.nodesRequested.labels(result).inc(request.count);
    ctx.logger.warn('ScaleOutCluster failed', { intentId: request.intentId, code: info.code, kind: info.kind, message: info.message });
    return (capacity) => recordScaleOutFailed(capacity, request.intentId, info, ctx.now(), ctx.random);
  }
}

async function writeResult(intentWritten: SandboxCapacity, fold: (capacity: SandboxCapacity) => Outcome, ctx: ExecuteContext): Promise<{ capacity: SandboxCapacity; events: PlannedEvent[] }> {
  let base = intentWritten;
  for (let attempt = 1; ; attempt++) {
    const outcome = fold(base);
    try {
      return { capacity: await ctx.store.write(base, outcome.status), events: outcome.events };
    } catch (err) {
      // Someone changed the object (e.g. kubectl scale) between our two writes. The intent is in the
      // fresh object too, so folding the answer into it is safe; giving up is also safe (recovery).
      if (!ctx.isConflict(err) || attempt >= RESULT_WRITE_ATTEMPTS) throw err;
      base = await ctx.store.readFresh(base.metadata.namespace, base.metadata.name);
    }
  }
}

export async function executeScaleOut(sc: SandboxCapacity, decision: Decision, ctx: ExecuteContext): Promise<Executed> {
  const request = decision.scaleOut;
  if (!request) throw new Error('executeScaleOut without a scale-out decision');
  const intentWritten = await ctx.store.write(sc, decision.status);
  await ctx.throttle();
  if (!ctx.isLeaderNow()) {
    ctx.logger.warn('leader lease lost after writing the intent; not calling ACK (the next leader recovers it)', { intentId: request.intentId });
    return { capacity: intentWritten, events: decision.events, called: false };
  }
  const fold = await callAck(intentWritten, request, ctx);
  const result = await writeResult(intentWritten, fold, ctx);
  return { capacity: result.capacity, events: [...decision.events, ...result.events], called: true };
}
