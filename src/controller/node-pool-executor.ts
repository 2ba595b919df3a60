// The exactly-once path of a node pool's desired-size write (ModifyClusterNodePool), modelled on
// scale-out-executor.ts:
//   1. persist the status holding lastWrite (the intended absolute size, no task yet) — a stale cache
//      fails here (409) and nothing is called;
//   2. wait for the cloud call budget, check the leader lease is still ours, then call ACK once;
//   3. fold the answer in and persist it; if that write races a spec change, re-read and re-fold.
// A crash or a lost answer between any two steps leaves lastWrite newer than the last read: the next
// reconcile reads the pool first, and writes the same absolute size again only if it did not take
// effect — a repeat asks for the same end state, never for more nodes.
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import { cloudErrorOf } from '../cloud/ack-api.js';
import { recordPoolWriteAccepted, recordPoolWriteFailed, type Decision, type NodePoolWrite, type Outcome } from './core/index.js';
import type { RequestAccess } from './cloud-session.js';
import { countScaleOut } from './resource-metrics.js';
import { writeResult, type ExecuteContext, type Executed } from './scale-out-executor.js';

async function callAck(sc: SandboxCapacity, write: NodePoolWrite, access: RequestAccess, ctx: ExecuteContext): Promise<(capacity: SandboxCapacity) => Outcome> {
  const added = write.desiredSize - write.previousSize;
  ctx.logger.info('calling ModifyClusterNodePool', { nodepoolId: write.nodepoolId, desiredSize: write.desiredSize, previousSize: write.previousSize });
  try {
    const accepted = await access.api.setNodePoolDesiredSize(sc.spec.clusterId, write.nodepoolId, write.desiredSize);
    if (ctx.metrics) countScaleOut(ctx.metrics, sc, added);
    ctx.logger.info('ModifyClusterNodePool accepted', { nodepoolId: write.nodepoolId, taskId: accepted.taskId, requestId: accepted.requestId });
    return (capacity) => recordPoolWriteAccepted(capacity, write, accepted, ctx.now());
  } catch (err) {
    const info = cloudErrorOf(err, 'mutation');
    if (ctx.metrics) countScaleOut(ctx.metrics, sc, added, info);
    ctx.logger.warn('ModifyClusterNodePool failed', { nodepoolId: write.nodepoolId, code: info.code, kind: info.kind, error: info.message });
    return (capacity) => recordPoolWriteFailed(capacity, write, info, ctx.now(), ctx.random);
  }
}

export async function executePoolWrite(sc: SandboxCapacity, decision: Decision, ctx: ExecuteContext): Promise<Executed> {
  const write = decision.poolWrite;
  if (!write) throw new Error('executePoolWrite without a pool write');
  // The credentials are read while lastWrite is written (scale-out-executor.ts): the call waits for both.
  const [intentWritten, access] = await Promise.all([ctx.store.write(sc, decision.status), ctx.access]);
  await ctx.budget.acquire('request');
  if (!ctx.fence.isLeading()) {
    ctx.logger.warn('leader lease lost after recording the pool write; not calling ACK (the next leader reads the pool first)', { nodepoolId: write.nodepoolId });
    return { capacity: intentWritten, events: decision.events, called: false };
  }
  if (!access.ok) {
    const blocked = ctx.replan(access.blocked);
    ctx.logger.info('credentials missing after the pool write was recorded; it is withdrawn, ACK was not called', { nodepoolId: write.nodepoolId });
    return { capacity: await ctx.store.write(intentWritten, blocked.status), events: blocked.events, called: false, replanned: blocked };
  }
  const fold = await callAck(intentWritten, write, access.value, ctx);
  const result = await writeResult(intentWritten, fold, ctx);
  return { capacity: result.capacity, events: [...decision.events, ...result.events], called: true };
}
