// The node pool state machine (ack-nodepool.md): `desired_size` is absolute and each pool converges
// to it by itself. Short of it, the pool launches instances (initial for the task duration, then
// running, or failed on a stock-out); ESS retries failed creations a task duration later, each new
// attempt releasing a failed instance, so `failed_nodes` holds while the stock-out lasts. Past it,
// the pool removes instances chosen by its scaling policy (those still being created first, then the
// newest), without draining. A released instance is replaced; a pool whose size ACK's autoscaler
// owns (auto_scaling or auto_mode) keeps desired_size but does not act on it.
import { zoneOf, type ClusterRecord } from './clusters.js';
import type { FaultRule } from './fault-types.js';
import type { Placement, StockQuestion } from './faults.js';
import { newInstance, type InstanceRecord } from './instances.js';
import { sizeIsManaged, type NodePoolRecord } from './node-pools.js';
import { aliveInstances, poolInstances } from './node-pool-status.js';
import { addPoolResults, settlePoolTask } from './node-pool-tasks.js';
import type { SimulatorSettings } from './settings.js';
import { noStockFailure, stockOutAt } from './stock.js';
import { applyNodeRule, type TaskRecord, type TaskStore } from './tasks.js';

/** What the fault engine answers about one launch. */
export interface LaunchFaults {
  stockOuts(question: StockQuestion): FaultRule[];
  launchNodeFault(nodepoolId: string): FaultRule | undefined;
}

export interface NodePoolEngineDeps {
  tasks: TaskStore;
  faults: LaunchFaults;
  settings(): SimulatorSettings;
  usedIps(): Set<string>;
  cluster(clusterId: string): ClusterRecord | undefined;
}

/** What happened during one advance, for the Kubernetes side. */
export interface PoolEvents {
  /** Creations that succeeded at `at`: their Nodes join a join delay later. */
  ready: { instance: InstanceRecord; at: number }[];
  /** Instances that left the cluster: their Nodes are deleted. */
  gone: InstanceRecord[];
  finished: TaskRecord[];
}

function releaseFrom(cluster: ClusterRecord, instance: InstanceRecord): void {
  const index = cluster.instances.indexOf(instance);
  if (index >= 0) cluster.instances.splice(index, 1);
}

/**
 * The scaling policy's choice of instances to remove: those still being created, then the newest
 * (of instances created together, the last launched).
 */
function scaleInVictims(alive: readonly InstanceRecord[], count: number): InstanceRecord[] {
  const rank = (instance: InstanceRecord): number => (instance.state === 'initial' ? 0 : 1);
  return alive
    .map((instance, order) => ({ instance, order }))
    .sort((a, b) => rank(a.instance) - rank(b.instance) || b.instance.createdAt - a.instance.createdAt || b.order - a.order)
    .slice(0, count)
    .map(({ instance }) => instance);
}

export class NodePoolEngine {
  constructor(private readonly deps: NodePoolEngineDeps) {}

  /** Runs every pool up to `now`: creations and removals that ended, convergence, tasks that ended. */
  advance(clusters: readonly ClusterRecord[], now: number): PoolEvents {
    const events: PoolEvents = { ready: [], gone: [], finished: [] };
    for (const cluster of clusters) {
      this.settleCreations(cluster, now, events);
      this.settleRemovals(cluster, now, events);
      for (const pool of cluster.nodePools) {
        this.converge(cluster, pool, now);
      }
    }
    for (const task of this.deps.tasks.runningPoolTasks()) {
      if (settlePoolTask(task, this.deps.cluster(task.clusterId), now)) events.finished.push(task);
    }
    return events;
  }

  /**
   * Brings one pool towards its desired size now. With a task (a write), what it launches or removes
   * counts for that task and failed creations are retried at once; without one (ESS on its own),
   * retries wait until the pool's retry time.
   */
  converge(cluster: ClusterRecord, pool: NodePoolRecord, now: number, task?: TaskRecord): void {
    if (sizeIsManaged(pool)) return;
    const alive = aliveInstances(cluster, pool);
    const failed = this.releaseUnneededFailures(cluster, pool, alive);
    if (alive.length >= pool.desiredSize) {
      const surplus = alive.length - pool.desiredSize;
      if (surplus > 0) this.beginRemoval(scaleInVictims(alive, surplus), now, task);
      return;
    }
    if (task === undefined && failed > 0 && now < pool.retryAt) return;
    this.launch(cluster, pool, pool.desiredSize - alive.length, now, task);
  }

  /** Starts removing instances; they leave the cluster (and their Nodes are deleted) a task duration later. */
  beginRemoval(instances: readonly InstanceRecord[], now: number, task?: TaskRecord): void {
    const removeAt = now + this.deps.settings().taskDurationMs;
    for (const instance of instances) {
      instance.state = 'removing';
      instance.removeAt = removeAt;
      if (task) instance.removalTaskId = task.taskId;
    }
    if (task) addPoolResults(task, instances, 'remove');
  }

  private launch(cluster: ClusterRecord, pool: NodePoolRecord, count: number, now: number, task?: TaskRecord): void {
    const placements: Placement[] = pool.config.vswitchIds.map((vswitchId) => ({ vswitchId, zone: zoneOf(cluster.config, vswitchId) }));
    const outages = this.deps.faults.stockOuts({ nodepoolId: pool.config.nodepoolId, placements });
    const inStock = placements.filter((placement) => stockOutAt(outages, placement) === undefined);
    const usedIps = this.deps.usedIps();
    const readyAt = now + this.deps.settings().taskDurationMs;
    const launched: InstanceRecord[] = [];
    for (let index = 0; index < count; index += 1) {
      // ESS skips vSwitches without stock; with none left, the creation fails like ECS's.
      const candidates = inStock.length > 0 ? inStock : placements;
      const placement = candidates[pool.nextVswitch % candidates.length] ?? { vswitchId: '', zone: '' };
      pool.nextVswitch += 1;
      const instance = newInstance({
        cluster,
        nodepoolId: pool.config.nodepoolId,
        pooled: true,
        runtime: pool.config.runtime,
        runtimeVersion: pool.config.runtimeVersion,
        taskId: task?.taskId ?? '',
        vswitchId: placement.vswitchId,
        instanceType: pool.config.instanceTypes[0] ?? '',
        chargeType: 'PostPaid',
        tags: pool.config.labels,
        taints: pool.config.taints,
        now,
        usedIps,
      });
      instance.readyAt = readyAt;
      const outage = inStock.length > 0 ? undefined : stockOutAt(outages, placement);
      if (outage) instance.failure = noStockFailure(outage, placement);
      launched.push(instance);
    }
    const nodeFault = this.deps.faults.launchNodeFault(pool.config.nodepoolId);
    if (nodeFault) applyNodeRule(launched.filter((instance) => instance.failure === undefined), nodeFault);
    cluster.instances.push(...launched);
    pool.createdInstances += launched.length;
    pool.updatedAt = now;
    if (task) addPoolResults(task, launched, 'create');
  }

  private settleCreations(cluster: ClusterRecord, now: number, events: PoolEvents): void {
    const due = cluster.instances
      .filter((instance) => instance.pooled && instance.state === 'initial' && (instance.readyAt ?? Infinity) <= now)
      .sort((a, b) => (a.readyAt ?? 0) - (b.readyAt ?? 0));
    for (const instance of due) {
      const pool = cluster.nodePools.find((candidate) => candidate.config.nodepoolId === instance.nodepoolId);
      const at = instance.readyAt ?? now;
      this.releaseOneFailed(cluster, instance);
      if (instance.failure) {
        instance.state = 'failed';
        instance.errorMessage = `${instance.failure.code}: ${instance.failure.message}`;
        if (pool) {
          pool.failedCreations += 1;
          pool.retryAt = at + this.deps.settings().taskDurationMs;
        }
        continue;
      }
      instance.state = 'running';
      instance.joinDueAt = at + this.deps.settings().joinDelayMs;
      events.ready.push({ instance, at });
    }
  }

  /**
   * A failed instance stands for a node the pool still lacks: ESS keeps at most desired_size minus
   * the running nodes of them (releasing the oldest), so lowering the size clears failures it no
   * longer needs while retries in flight leave them counted. Returns how many remain.
   */
  private releaseUnneededFailures(cluster: ClusterRecord, pool: NodePoolRecord, alive: readonly InstanceRecord[]): number {
    const failed = poolInstances(cluster, pool).filter((instance) => instance.state === 'failed');
    const keep = Math.max(0, pool.desiredSize - alive.filter((instance) => instance.state === 'running').length);
    const surplus = Math.max(0, failed.length - keep);
    for (const instance of failed.slice(0, surplus)) releaseFrom(cluster, instance);
    return failed.length - surplus;
  }

  /** A creation attempt ending releases the oldest failed instance of its pool it was retrying. */
  private releaseOneFailed(cluster: ClusterRecord, settling: InstanceRecord): void {
    const older = cluster.instances.find(
      (instance) =>
        instance.pooled && instance.nodepoolId === settling.nodepoolId && instance.state === 'failed' && instance.createdAt < settling.createdAt,
    );
    if (older) releaseFrom(cluster, older);
  }

  private settleRemovals(cluster: ClusterRecord, now: number, events: PoolEvents): void {
    for (const instance of cluster.instances.filter((candidate) => candidate.state === 'removing' && (candidate.removeAt ?? Infinity) <= now)) {
      releaseFrom(cluster, instance);
      events.gone.push(instance);
    }
  }
}
