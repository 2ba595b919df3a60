// The simulator's control surface, shared by the in-process AckSimulator object and the /_sim admin
// API: faults, recorded requests, clusters, tasks, settings, time, reset.
import type { Logger } from 'winston';
import { clusterView, nodeView, taskView, type SimClusterView, type SimNodeView, type SimTaskView } from './admin-views.js';
import type { Clock } from './clock.js';
import type { ClusterConfig } from './clusters.js';
import { nodePoolView, type SimNodePoolView } from './node-pool-admin-views.js';
import { HELD_STATES, resolveNodePoolConfig, NodePoolConfigError, type HeldState, type NodePoolConfig } from './node-pools.js';
import type { FaultRule, FaultRuleInput } from './fault-types.js';
import type { FaultEngine } from './faults.js';
import type { NodeJoiner } from './node-joiner.js';
import type { NonceCache } from './nonce-cache.js';
import type { RecordedRequest, RequestFilter, RequestRecorder } from './recorder.js';
import type { SimulatorSettings } from './settings.js';
import type { AdvanceResult, FinishedTask, SimulatorState } from './simulator-state.js';
import type { TaskError } from './tasks.js';
import { affectedCount } from './instances.js';

export interface FinishTaskRequest {
  /** success (no node fails) or fail (see failures / failFraction); default: as planned at creation. */
  state?: 'success' | 'fail';
  /** Number of the task's nodes that fail. */
  failures?: number;
  /** Share of the task's nodes that fail (used when failures is absent). */
  failFraction?: number;
  error?: TaskError;
}

/** Configuration changes of a pool made by hand (its id stays). */
export type NodePoolPatch = Omit<NodePoolConfig, 'nodepoolId' | 'desiredSize'>;

export interface SimulatorControlDeps {
  state: SimulatorState;
  faults: FaultEngine;
  recorder: RequestRecorder;
  nonces: NonceCache;
  joiner: NodeJoiner;
  clock: Clock;
  logger: Logger;
  initialFaults: readonly FaultRuleInput[];
}

function failuresFor(request: FinishTaskRequest, count: number): number | undefined {
  if (request.failures !== undefined) {
    return request.failures;
  }
  if (request.state === 'success') {
    return 0;
  }
  if (request.state === 'fail' || request.failFraction !== undefined) {
    return affectedCount(count, request.failFraction ?? 1);
  }
  return undefined;
}

export class SimulatorControl {
  constructor(private readonly deps: SimulatorControlDeps) {
    this.installInitialFaults();
  }

  // Time ------------------------------------------------------------------------------------------

  /** Finishes due tasks, runs the node pools and schedules their nodes' joins; cheap and synchronous. */
  advance(now = this.deps.clock.now()): void {
    const result: AdvanceResult = this.deps.state.advance(now);
    for (const finished of result.scaleOuts) {
      this.onFinished(finished);
    }
    const joinDelayMs = this.deps.state.settings.joinDelayMs;
    for (const { instance, at } of result.ready) {
      this.deps.joiner.schedule([instance], at + joinDelayMs);
    }
    this.deps.joiner.scheduleDeletion(result.gone, now);
    for (const task of result.finished) {
      this.deps.logger.info('node pool task finished', { taskId: task.taskId, taskType: task.taskType, nodepoolId: task.nodepoolId, state: task.state, error: task.error?.code });
    }
  }

  /** Does everything that is due now, including Kubernetes node work, and waits for it. */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    this.advance(now);
    await this.deps.joiner.runDue(now);
  }

  // Faults and records ----------------------------------------------------------------------------

  addFault(input: FaultRuleInput): FaultRule {
    return this.deps.faults.add(input);
  }

  removeFault(id: string): boolean {
    return this.deps.faults.remove(id);
  }

  clearFaults(): void {
    this.deps.faults.clear();
  }

  listFaults(): FaultRule[] {
    return this.deps.faults.list();
  }

  requests(filter?: RequestFilter): RecordedRequest[] {
    return this.deps.recorder.list(filter);
  }

  clearRequests(): void {
    this.deps.recorder.clear();
  }

  // Settings and clusters -------------------------------------------------------------------------

  get settings(): SimulatorSettings {
    return this.deps.state.settings;
  }

  updateSettings(patch: Readonly<Record<string, unknown>>): SimulatorSettings {
    return this.deps.state.updateSettings(patch);
  }

  listClusters(): SimClusterView[] {
    return this.deps.state.clusters.list().map((record) => clusterView(record, this.deps.state.tasks.runningCount(record.config.clusterId, 'any')));
  }

  getCluster(clusterId: string): SimClusterView | undefined {
    return this.listClusters().find((cluster) => cluster.clusterId === clusterId);
  }

  upsertCluster(config: ClusterConfig): SimClusterView {
    const record = this.deps.state.clusters.upsert(config);
    return clusterView(record, this.deps.state.tasks.runningCount(record.config.clusterId, 'any'));
  }

  updateCluster(clusterId: string, patch: Partial<ClusterConfig>): SimClusterView {
    const record = this.deps.state.clusters.update(clusterId, patch);
    return clusterView(record, this.deps.state.tasks.runningCount(clusterId, 'any'));
  }

  removeCluster(clusterId: string): boolean {
    return this.deps.state.clusters.remove(clusterId);
  }

  listNodes(clusterId: string): SimNodeView[] | undefined {
    return this.deps.state.clusters.get(clusterId)?.instances.map(nodeView);
  }

  /**
   * The ECS instance is released in ACK (also one still being created): it leaves
   * DescribeClusterNodes, its Kubernetes Node is deleted, and its node pool, if any, replaces it.
   */
  releaseInstance(clusterId: string, instanceId: string): Promise<boolean> {
    return this.removeNode(clusterId, instanceId);
  }

  /** The same as releaseInstance (its older name). */
  async removeNode(clusterId: string, instanceId: string): Promise<boolean> {
    const cluster = this.deps.state.clusters.get(clusterId);
    const instance = cluster?.instances.find((candidate) => candidate.instanceId === instanceId);
    if (cluster === undefined || instance === undefined) {
      return false;
    }
    cluster.instances.splice(cluster.instances.indexOf(instance), 1);
    // Its pool notices at once and launches a replacement.
    this.advance();
    await this.deps.joiner.removeNode(instance);
    return true;
  }

  // Node pools ------------------------------------------------------------------------------------

  listNodePools(clusterId: string): SimNodePoolView[] | undefined {
    this.advance();
    const cluster = this.deps.state.clusters.get(clusterId);
    const now = this.deps.clock.now();
    return cluster?.nodePools.map((pool) => nodePoolView(cluster, pool, this.deps.state.tasks, now));
  }

  getNodePool(clusterId: string, nodepoolId: string): SimNodePoolView | undefined {
    return this.listNodePools(clusterId)?.find((pool) => pool.nodepoolId === nodepoolId);
  }

  /** Adds a pool to a cluster (any type, runtime or autoscaling: ineligible pools too). */
  addNodePool(clusterId: string, config: NodePoolConfig): SimNodePoolView {
    const pool = this.deps.state.clusters.addPool(clusterId, config);
    this.advance();
    return this.viewOf(clusterId, pool.config.nodepoolId);
  }

  /** Changes a pool's configuration by hand (e.g. turns its autoscaler on); id and size stay. */
  updateNodePool(clusterId: string, nodepoolId: string, patch: NodePoolPatch): SimNodePoolView {
    const { cluster, pool } = this.deps.state.clusters.requirePool(clusterId, nodepoolId);
    const defaults = { sandbox: cluster.config.sandbox, runtimeVersion: cluster.config.runtimeVersion, vswitchIds: pool.config.vswitchIds };
    pool.config = resolveNodePoolConfig({ ...pool.config, ...patch, nodepoolId }, defaults, cluster.nodePools.indexOf(pool));
    pool.updatedAt = this.deps.clock.now();
    return this.viewOf(clusterId, nodepoolId);
  }

  /**
   * Someone else changes the pool's desired size (the console, another tool): no checks, a
   * nodepool_update task like ModifyClusterNodePool's, and the pool converges to it.
   */
  resizeNodePool(clusterId: string, nodepoolId: string, desiredSize: number): SimTaskView {
    this.advance();
    return taskView(this.deps.state.pools.resizeOutOfBand(clusterId, nodepoolId, desiredSize, this.deps.clock.now()));
  }

  /** Holds the pool in a busy state (writes are refused) until held again with `active`. */
  holdNodePool(clusterId: string, nodepoolId: string, state: HeldState | 'active'): SimNodePoolView {
    if (state !== 'active' && !(HELD_STATES as readonly string[]).includes(state)) {
      throw new NodePoolConfigError(`node pool state must be active or one of ${HELD_STATES.join(', ')}, got ${JSON.stringify(state)}`);
    }
    const { pool } = this.deps.state.clusters.requirePool(clusterId, nodepoolId);
    pool.heldState = state === 'active' ? null : state;
    return this.viewOf(clusterId, nodepoolId);
  }

  /** Deletes the pool; its instances are released and their Nodes deleted. */
  async removeNodePool(clusterId: string, nodepoolId: string): Promise<boolean> {
    const cluster = this.deps.state.clusters.get(clusterId);
    const pool = cluster?.nodePools.find((candidate) => candidate.config.nodepoolId === nodepoolId);
    if (cluster === undefined || pool === undefined) {
      return false;
    }
    cluster.nodePools.splice(cluster.nodePools.indexOf(pool), 1);
    const instances = cluster.instances.filter((instance) => instance.pooled && instance.nodepoolId === nodepoolId);
    for (const instance of instances) {
      await this.removeNode(clusterId, instance.instanceId);
    }
    return true;
  }

  private viewOf(clusterId: string, nodepoolId: string): SimNodePoolView {
    const { cluster, pool } = this.deps.state.clusters.requirePool(clusterId, nodepoolId);
    return nodePoolView(cluster, pool, this.deps.state.tasks, this.deps.clock.now());
  }

  // Tasks -----------------------------------------------------------------------------------------

  listTasks(clusterId?: string): SimTaskView[] {
    this.advance();
    return this.deps.state.tasks.list(clusterId).map(taskView);
  }

  getTask(taskId: string): SimTaskView | undefined {
    this.advance();
    const task = this.deps.state.tasks.get(taskId);
    return task ? taskView(task) : undefined;
  }

  /** Ends a running task now; its successful nodes join after the join delay. */
  finishTask(taskId: string, request: FinishTaskRequest = {}): SimTaskView {
    const task = this.deps.state.tasks.get(taskId);
    const failures = failuresFor(request, task?.instanceIds.length ?? 0);
    const finished = this.deps.state.finishTask(taskId, this.deps.clock.now(), {
      ...(failures === undefined ? {} : { failures }),
      ...(request.error ? { error: request.error } : {}),
    });
    this.onFinished(finished);
    return taskView(finished.task);
  }

  /** Back to the configuration the simulator started with; Kubernetes Nodes already created stay. */
  reset(): void {
    this.deps.state.reset();
    this.deps.recorder.clear();
    this.deps.nonces.clear();
    this.deps.joiner.clear();
    this.deps.faults.clear();
    this.installInitialFaults();
    this.deps.logger.info('ack simulator reset');
  }

  private installInitialFaults(): void {
    for (const input of this.deps.initialFaults) {
      this.deps.faults.add(input);
    }
  }

  private onFinished(finished: FinishedTask): void {
    const { task, succeeded } = finished;
    this.deps.logger.info('scale-out task finished', { taskId: task.taskId, clusterId: task.clusterId, state: task.state, nodes: task.instanceIds.length, failed: task.failedCount });
    this.deps.joiner.schedule(succeeded, (task.finishAt ?? this.deps.clock.now()) + this.deps.state.settings.joinDelayMs);
  }
}
