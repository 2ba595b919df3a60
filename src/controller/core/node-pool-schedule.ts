// When the node-pool backend reads the pool (DescribeClusterNodePoolDetail, at most once per
// reconcile), from the status alone:
//   never read, or our last write newer than the last read (outcome to settle) → now;
//   the pool or cluster was gone, or the pool not eligible                       → every BLOCKED_RECHECK_MS;
//   something to write (spec.replicas above the desired size), or scaling (not
//   active, nodes in flight, fewer Ready than desired, failed nodes)              → every POLL_RUNNING_MS;
//   settled                                                                       → every POOL_SETTLED_READ_MS
//     (the default resync period: a settled pool costs one read per resync, which notices drift).
// DescribeTaskInfo of our last write's task only while the pool reports failed nodes and its error is
// not yet known (ScaleUpStalled names it).
import type { SandboxCapacity } from '../../api/sandbox-capacity.js';
import { countNodes } from './counting.js';
import { BLOCKED_RECHECK_MS, POLL_RUNNING_MS } from './schedule.js';
import { parseTimestamp } from './time.js';
import type { ObservedNode } from './types.js';

export const POOL_SETTLED_READ_MS = 300_000;

export interface NodePoolWork {
  readPool: true;
  /** Our last write's task, to learn why the pool's nodes fail. */
  taskErrorOf?: string;
}

export function dueNodePoolWork(capacity: SandboxCapacity, nodes: readonly ObservedNode[], nowMs: number): NodePoolWork | undefined {
  const view = capacity.status?.nodePool;
  if (view === undefined) return { readPool: true };
  const taskId = view.lastWrite?.taskId;
  const work: NodePoolWork = view.failedNodes > 0 && view.taskError === undefined && taskId !== undefined ? { readPool: true, taskErrorOf: taskId } : { readPool: true };
  const observed = parseTimestamp(view.observedTime) ?? 0;
  const written = parseTimestamp(view.lastWrite?.time) ?? 0;
  if (written > observed) return work;
  return nowMs - observed >= readIntervalMs(capacity, nodes) ? work : undefined;
}

function readIntervalMs(capacity: SandboxCapacity, nodes: readonly ObservedNode[]): number {
  const view = capacity.status?.nodePool;
  if (view === undefined) return 0;
  if (view.problem !== undefined) return BLOCKED_RECHECK_MS;
  const { replicas, readyReplicas } = countNodes(nodes);
  const wantsWrite = capacity.spec.replicas > view.desiredSize && !capacity.spec.paused;
  const scaling = view.state !== 'active' || view.desiredSize > replicas || readyReplicas < view.desiredSize || view.failedNodes > 0;
  return wantsWrite || scaling ? POLL_RUNNING_MS : POOL_SETTLED_READ_MS;
}
