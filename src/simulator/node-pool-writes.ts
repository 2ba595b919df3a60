// The writes that change node pools: ModifyClusterNodePool (absolute desired_size),
// ScaleClusterNodePool (relative count), RemoveNodePoolNodes (named instances, lowering
// desired_size), DeleteClusterNodes (named nodes, NOT lowering it, so a pool refills) and a resize
// made out of band (the console, another tool). Each is checked like ACK checks it, creates a task
// and lets the pool converge at once, so the very next read shows its initial or removing nodes.
import { activeNodeCount, type ClusterRecord, type ClusterRegistry } from './clusters.js';
import { invalidParameter, nodePoolBusy, nodeQuotaExceeded } from './errors.js';
import { newRequestId, newTaskId } from './ids.js';
import type { InstanceRecord } from './instances.js';
import { checkPoolSize, sizeIsManaged, type NodePoolRecord } from './node-pools.js';
import type { NodePoolEngine } from './node-pool-engine.js';
import { readClusterNodeRemoval, readPoolModification, readPoolNodeRemoval, readScaleCount, type NodeRemoval, type PoolModification } from './node-pool-requests.js';
import { aliveInstances, poolState } from './node-pool-status.js';
import { NODE_POOL_TASK_TYPES, newPoolTask } from './node-pool-tasks.js';
import { redactSecrets } from './redact.js';
import type { SimulatorSettings } from './settings.js';
import type { TaskRecord, TaskStore } from './tasks.js';

export interface NodePoolWriteDeps {
  clusters: ClusterRegistry;
  tasks: TaskStore;
  engine: NodePoolEngine;
  settings(): SimulatorSettings;
}

export interface PoolCall {
  clusterId: string;
  nodepoolId: string;
  requestId: string;
  now: number;
}

function describeRemoval(removal: NodeRemoval, instances: readonly InstanceRecord[]): Record<string, unknown> {
  return {
    instance_ids: instances.map((instance) => instance.instanceId),
    ...(removal.nodeNames.length > 0 ? { nodes: removal.nodeNames } : {}),
    drain_node: removal.drainNode,
    release_node: removal.releaseNode,
  };
}

function refuseRemoving(instances: readonly InstanceRecord[], field: string): void {
  const removing = instances.find((instance) => instance.state === 'removing');
  if (removing !== undefined) {
    throw invalidParameter(field, `names ${removing.instanceId} (${removing.nodeName}), which is already being removed`);
  }
}

export class NodePoolWrites {
  constructor(private readonly deps: NodePoolWriteDeps) {}

  modify(call: PoolCall & { body: unknown }): TaskRecord {
    const { cluster, pool } = this.deps.clusters.requirePool(call.clusterId, call.nodepoolId);
    const change = readPoolModification(call.body);
    this.requireActive(cluster, pool);
    if (change.desiredSize !== undefined) this.checkGrowth(cluster, pool, change.desiredSize, 'scaling_group.desired_size');
    this.apply(pool, change, call.now);
    return this.start(NODE_POOL_TASK_TYPES.modify, cluster, pool, call, redactSecrets(call.body) as Record<string, unknown>);
  }

  scale(call: PoolCall & { body: unknown }): TaskRecord {
    const { cluster, pool } = this.deps.clusters.requirePool(call.clusterId, call.nodepoolId);
    const count = readScaleCount(call.body, this.deps.settings().maxNodesPerCall);
    this.requireActive(cluster, pool);
    this.checkGrowth(cluster, pool, pool.desiredSize + count, 'count');
    pool.desiredSize += count;
    pool.updatedAt = call.now;
    return this.start(NODE_POOL_TASK_TYPES.scale, cluster, pool, call, { count });
  }

  removeNodes(call: PoolCall & { query: ReadonlyMap<string, string> }): TaskRecord {
    const { cluster, pool } = this.deps.clusters.requirePool(call.clusterId, call.nodepoolId);
    const removal = readPoolNodeRemoval(call.query);
    this.requireActive(cluster, pool);
    const mine = cluster.instances.filter((instance) => instance.pooled && instance.nodepoolId === pool.config.nodepoolId);
    const named = (field: string, wanted: readonly string[], key: (instance: InstanceRecord) => string): InstanceRecord[] =>
      wanted.map((value) => {
        const instance = mine.find((candidate) => key(candidate) === value);
        if (instance === undefined) throw invalidParameter(field, `names ${value}, which is not a node of node pool ${pool.config.nodepoolId}`);
        return instance;
      });
    const instances = [
      ...new Set([...named('instance_ids', removal.instanceIds, (i) => i.instanceId), ...named('nodes', removal.nodeNames, (i) => i.nodeName)]),
    ];
    refuseRemoving(instances, 'instance_ids');
    pool.desiredSize = Math.max(0, pool.desiredSize - instances.length);
    pool.updatedAt = call.now;
    const task = this.newTask(NODE_POOL_TASK_TYPES.remove, cluster, pool, call, describeRemoval(removal, instances));
    this.deps.engine.beginRemoval(instances, call.now, task);
    return task;
  }

  /** DeleteClusterNodes: the nodes leave the cluster; pools keep their desired_size and refill. */
  deleteClusterNodes(call: Omit<PoolCall, 'nodepoolId'> & { body: unknown }): TaskRecord {
    const cluster = this.deps.clusters.require(call.clusterId);
    const removal = readClusterNodeRemoval(call.body);
    const instances = [
      ...new Set(
        removal.nodeNames.map((name) => {
          const instance = cluster.instances.find((candidate) => candidate.nodeName === name);
          if (instance === undefined) throw invalidParameter('nodes', `names ${name}, which is not a node of cluster ${call.clusterId}`);
          return instance;
        }),
      ),
    ];
    refuseRemoving(instances, 'nodes');
    const task = this.newTask(NODE_POOL_TASK_TYPES.deleteNodes, cluster, undefined, { ...call, nodepoolId: '' }, {
      nodes: removal.nodeNames,
      drain_node: removal.drainNode,
      release_node: removal.releaseNode,
    });
    this.deps.engine.beginRemoval(instances, call.now, task);
    for (const pool of cluster.nodePools) this.deps.engine.converge(cluster, pool, call.now);
    return task;
  }

  /** Someone else resized the pool (console, another tool): no checks, a task like Modify's. */
  resizeOutOfBand(clusterId: string, nodepoolId: string, desiredSize: number, now: number): TaskRecord {
    const { cluster, pool } = this.deps.clusters.requirePool(clusterId, nodepoolId);
    pool.desiredSize = checkPoolSize('desiredSize', desiredSize);
    pool.updatedAt = now;
    const call = { clusterId, nodepoolId, requestId: newRequestId(), now };
    return this.start(NODE_POOL_TASK_TYPES.modify, cluster, pool, call, { scaling_group: { desired_size: desiredSize } });
  }

  private start(taskType: string, cluster: ClusterRecord, pool: NodePoolRecord, call: PoolCall, parameters: Record<string, unknown>): TaskRecord {
    const task = this.newTask(taskType, cluster, pool, call, parameters);
    this.deps.engine.converge(cluster, pool, call.now, task);
    return task;
  }

  private newTask(
    taskType: string,
    cluster: ClusterRecord,
    pool: NodePoolRecord | undefined,
    call: PoolCall,
    parameters: Record<string, unknown>,
  ): TaskRecord {
    const task = newPoolTask({
      taskId: newTaskId(),
      taskType,
      cluster,
      ...(pool ? { nodepoolId: pool.config.nodepoolId } : {}),
      requestId: call.requestId,
      parameters,
      now: call.now,
      sequence: this.deps.tasks.nextSequence(),
    });
    this.deps.tasks.add(task);
    return task;
  }

  private requireActive(cluster: ClusterRecord, pool: NodePoolRecord): void {
    const state = poolState(cluster, pool, this.deps.tasks);
    if (state !== 'active') {
      throw nodePoolBusy(pool.config.nodepoolId, state);
    }
  }

  /** At most maxNodesPerCall more nodes per request (500 in ACK), within the cluster's node quota. */
  private checkGrowth(cluster: ClusterRecord, pool: NodePoolRecord, desiredSize: number, field: string): void {
    if (sizeIsManaged(pool)) return;
    const growth = desiredSize - pool.desiredSize;
    const max = this.deps.settings().maxNodesPerCall;
    if (growth > max) {
      throw invalidParameter(field, `may add at most ${max} nodes in one request: desired_size ${pool.desiredSize} -> ${desiredSize}`);
    }
    const added = desiredSize - aliveInstances(cluster, pool).length;
    const current = activeNodeCount(cluster);
    if (added > 0 && current + added > cluster.config.nodeQuota) {
      throw nodeQuotaExceeded(cluster.config.clusterId, cluster.config.nodeQuota, current, added);
    }
  }

  private apply(pool: NodePoolRecord, change: PoolModification, now: number): void {
    const { desiredSize, ...config } = change;
    pool.config = { ...pool.config, ...config };
    if (desiredSize !== undefined) pool.desiredSize = desiredSize;
    pool.updatedAt = now;
  }
}
