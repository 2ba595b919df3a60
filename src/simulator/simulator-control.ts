// The simulator's control surface, shared by the in-process AckSimulator object and the /_sim admin
// API: faults, recorded requests, clusters, tasks, settings, time, reset.
import type { Logger } from 'winston';
import { clusterView, nodeView, taskView, type SimClusterView, type SimNodeView, type SimTaskView } from './admin-views.js';
import type { Clock } from './clock.js';
import type { ClusterConfig } from './clusters.js';
import type { FaultRule, FaultRuleInput } from './fault-types.js';
import type { FaultEngine } from './faults.js';
import type { NodeJoiner } from './node-joiner.js';
import type { NonceCache } from './nonce-cache.js';
import type { RecordedRequest, RequestFilter, RequestRecorder } from './recorder.js';
import type { SimulatorSettings } from './settings.js';
import type { FinishedTask, SimulatorState } from './simulator-state.js';
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

  /** Finishes due tasks and schedules their nodes' joins; cheap and synchronous. */
  advance(now = this.deps.clock.now()): void {
    for (const finished of this.deps.state.advance(now)) {
      this.onFinished(finished);
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
    return this.deps.state.clusters.list().map((record) => clusterView(record, this.deps.state.tasks.runningCount(record.config.clusterId)));
  }

  getCluster(clusterId: string): SimClusterView | undefined {
    return this.listClusters().find((cluster) => cluster.clusterId === clusterId);
  }

  upsertCluster(config: ClusterConfig): SimClusterView {
    const record = this.deps.state.clusters.upsert(config);
    return clusterView(record, this.deps.state.tasks.runningCount(record.config.clusterId));
  }

  updateCluster(clusterId: string, patch: Partial<ClusterConfig>): SimClusterView {
    const record = this.deps.state.clusters.update(clusterId, patch);
    return clusterView(record, this.deps.state.tasks.runningCount(clusterId));
  }

  removeCluster(clusterId: string): boolean {
    return this.deps.state.clusters.remove(clusterId);
  }

  listNodes(clusterId: string): SimNodeView[] | undefined {
    return this.deps.state.clusters.get(clusterId)?.instances.map(nodeView);
  }

  /** The instance is released: it leaves the cluster and its Kubernetes Node is deleted. */
  async removeNode(clusterId: string, instanceId: string): Promise<boolean> {
    const cluster = this.deps.state.clusters.get(clusterId);
    const instance = cluster?.instances.find((candidate) => candidate.instanceId === instanceId);
    if (cluster === undefined || instance === undefined) {
      return false;
    }
    cluster.instances.splice(cluster.instances.indexOf(instance), 1);
    await this.deps.joiner.removeNode(instance);
    return true;
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
