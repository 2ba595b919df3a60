// ACK's task list of each cluster, read once and shared by every resource of that cluster, so the
// cloud budget pays per cluster, not per resource:
//   - a poll of a task due by its interval is answered by the cluster's list (DescribeClusterTasks
//     gives every task's state): one call refreshes all the cluster's running tasks. DescribeTaskInfo
//     is asked only of tasks the list shows finished (their instance ids and errors) or does not show,
//     and of tasks whose poll joining Nodes brought forward (their partial instance ids);
//   - a new resource's first look (tasks an earlier incarnation left, by owner tag) reads a list taken
//     after the resource was created, and each task's parameters once (they never change).
// Lists are kept per client (one per credential), so a resource only sees what its own AccessKey may
// read. One read per cluster is in flight at a time; callers that come meanwhile share it.
import type { AckApi, AckClusterTask, AckTaskInfo } from '../cloud/ack-api.js';
import type { CallBudget } from '../cloud/call-budget.js';
import { classifyAckTaskState } from './core/index.js';

/** Newest tasks read per list: ACK lists newest first; a running task further down is asked for directly. */
export const CLUSTER_TASK_PAGE_SIZE = 50;

export interface ClusterTaskList {
  /** When the list was read (local clock). */
  readAtMs: number;
  tasks: readonly AckClusterTask[];
}

interface ClusterEntry {
  list?: ClusterTaskList;
  reading?: Promise<ClusterTaskList>;
}

export class ClusterTaskLists {
  private readonly byClient = new WeakMap<AckApi, Map<string, ClusterEntry>>();
  private readonly infoByClient = new WeakMap<AckApi, Map<string, AckTaskInfo>>();

  constructor(private readonly now: () => number) {}

  /** The cluster's task list, read at or after `notBeforeMs` (a fresh read when the last one is older). */
  async list(api: AckApi, budget: CallBudget, clusterId: string, notBeforeMs: number): Promise<ClusterTaskList> {
    const entry = this.entry(api, clusterId);
    if (entry.list !== undefined && entry.list.readAtMs >= notBeforeMs) return entry.list;
    // A read in flight started before it was asked for, so it may be too old: wait for it, then judge.
    if (entry.reading !== undefined) {
      const shared = await entry.reading;
      if (shared.readAtMs >= notBeforeMs) return shared;
    }
    entry.reading ??= this.read(api, budget, clusterId, entry);
    return entry.reading;
  }

  /**
   * A task's parameters (they never change) and, once it finished, its result. An answer is reused
   * while the list still shows the task running (`listedState`), and for good once it was final.
   */
  async taskInfo(api: AckApi, budget: CallBudget, taskId: string, listedState: string): Promise<AckTaskInfo> {
    let known = this.infoByClient.get(api);
    if (known === undefined) this.infoByClient.set(api, (known = new Map<string, AckTaskInfo>()));
    const kept = known.get(taskId);
    if (kept !== undefined && (classifyAckTaskState(kept.state) !== 'running' || classifyAckTaskState(listedState) === 'running')) return kept;
    await budget.acquire();
    const info = await api.describeTaskInfo(taskId);
    known.set(taskId, info);
    return info;
  }

  private entry(api: AckApi, clusterId: string): ClusterEntry {
    let clusters = this.byClient.get(api);
    if (clusters === undefined) this.byClient.set(api, (clusters = new Map<string, ClusterEntry>()));
    let entry = clusters.get(clusterId);
    if (entry === undefined) clusters.set(clusterId, (entry = {}));
    return entry;
  }

  private async read(api: AckApi, budget: CallBudget, clusterId: string, entry: ClusterEntry): Promise<ClusterTaskList> {
    try {
      await budget.acquire();
      // Taken when the call is made: the list shows at least everything that existed then.
      const readAtMs = this.now();
      const tasks = await api.describeClusterTasks(clusterId, 1, CLUSTER_TASK_PAGE_SIZE);
      const list = { readAtMs, tasks };
      entry.list = list;
      return list;
    } finally {
      entry.reading = undefined;
    }
  }
}
