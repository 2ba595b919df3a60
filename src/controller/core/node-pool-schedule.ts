// When the node-pool backend reads the pool (DescribeClusterNodePoolDetail, at most once per
// reconcile), from the status alone:
//   never read, or our last write newer than the last read (outcome to settle) → now;
//   the pool or cluster was gone, or the pool not eligible                       → every BLOCKED_RECHECK_MS;
//   something to write (spec.replicas above the desired size), or scaling (not
//   active, nodes in flight, fewer Ready than desired, failed nodes)              → every POLL_RUNNING_MS;
//   settled                                                                       → once per resync period
//     (default POOL_SETTLED_READ_MS, the default --resync-period): one read per resync notices drift.
// DescribeTaskInfo of our last write's task only while the pool reports failed nodes and its error is
// not yet known (ScaleUpStalled names it).
import type { SandboxCapacity } from '../../api/sandbox-capacity.js';
import { countNodes } from './counting.js';
import { poolViewOf } from './node-pool.js';
import { BLOCKED_RECHECK_MS, POLL_RUNNING_MS } from './schedule.js';
import { parseTimestamp } from './time.js';
import type { ObservedNode } from './types.js';

export const POOL_SETTLED_READ_MS = 300_000;

export interface NodePoolWork {
  readPool: true;
  /** Our last write's task, to learn why the pool's nodes fail. */
  taskErrorOf?: string;
}

export function dueNodePoolWork(capacity: SandboxCapacity, nodes: readonly ObservedNode[], nowMs: number, settledReadMs = POOL_SETTLED_READ_MS): NodePoolWork | undefined {
  const view = poolViewOf(capacity);
  if (view === undefined) return { readPool: true };
  const work = workFor(view);
  const observed = parseTimestamp(view.observedTime) ?? 0;
  const written = parseTimestamp(view.lastWrite?.time) ?? 0;
  if (written >= observed) return work;
  return nowMs - observed >= readIntervalMs(capacity, nodes, settledReadMs) ? work : undefined;
}

function workFor(view: NonNullable<NonNullable<SandboxCapacity['status']>['nodePool']>): NodePoolWork {
  const taskId = view.lastWrite?.taskId;
  return view.failedNodes > 0 && view.taskError === undefined && taskId !== undefined ? { readPool: true, taskErrorOf: taskId } : { readPool: true };
}

function readIntervalMs(capacity: SandboxCapacity, nodes: readonly ObservedNode[], settledReadMs: number): number {
  const view = poolViewOf(capacity);
  if (view === undefined) return 0;
  if (view.problem !== undefined) return BLOCKED_RECHECK_MS;
  const { replicas, readyReplicas } = countNodes(nodes);
  const wantsWrite = capacity.spec.replicas > view.desiredSize && !capacity.spec.paused;
  const scaling = view.state !== 'active' || view.desiredSize > replicas || readyReplicas < view.desiredSize || view.failedNodes > 0;
  return wantsWrite || scaling ? Math.min(POLL_RUNNING_MS, settledReadMs) : settledReadMs;
}
