// Everything the simulator knows, and the rules that change it: clusters and their instances,
// tasks, settings. Synchronous and free of I/O; time comes in as `now`.
import { activeNodeCount, ClusterRegistry, type ClusterConfig } from './clusters.js';
import { clusterBusy, invalidParameter, nodeQuotaExceeded, taskNotFound } from './errors.js';
import type { FaultDecision } from './fault-types.js';
import { isJsonObject } from './field-checks.js';
import { newTaskId } from './ids.js';
import type { InstanceRecord } from './instances.js';
import { redactSecrets } from './redact.js';
import { mergeSettings, type SimulatorSettings } from './settings.js';
import { completeTask, createScaleOutTask, TaskStore, type TaskOutcome, type TaskRecord } from './tasks.js';
import { validateScaleOut } from './validation.js';

export interface FinishedTask {
  task: TaskRecord;
  succeeded: InstanceRecord[];
}

export interface ScaleOutCall {
  clusterId: string;
  body: unknown;
  requestId: string;
  now: number;
  faults: FaultDecision;
}

export class SimulatorState {
  readonly clusters: ClusterRegistry;
  readonly tasks = new TaskStore();
  private currentSettings: SimulatorSettings;

  constructor(
    clusterConfigs: readonly ClusterConfig[],
    private readonly initialSettings: SimulatorSettings,
  ) {
    this.clusters = new ClusterRegistry(clusterConfigs);
    this.currentSettings = { ...initialSettings };
  }

  get settings(): SimulatorSettings {
    return { ...this.currentSettings };
  }

  updateSettings(patch: Readonly<Record<string, unknown>>): SimulatorSettings {
    this.currentSettings = mergeSettings(this.currentSettings, patch);
    return this.settings;
  }

  /** Validates a ScaleOutCluster call like ACK and creates its task; throws an AckError when refused. */
  scaleOut(call: ScaleOutCall): TaskRecord {
    const cluster = this.clusters.require(call.clusterId);
    if (!isJsonObject(call.body)) {
      throw invalidParameter('body', 'must be a JSON object');
    }
    const request = validateScaleOut(call.body, {
      sandbox: cluster.config.sandbox,
      maxNodesPerCall: this.currentSettings.maxNodesPerCall,
    });
    if (this.tasks.runningCount(cluster.config.clusterId) >= cluster.config.maxConcurrentScaleOuts) {
      throw clusterBusy('scaling');
    }
    const current = activeNodeCount(cluster);
    if (current + request.count > cluster.config.nodeQuota) {
      throw nodeQuotaExceeded(cluster.config.clusterId, cluster.config.nodeQuota, current, request.count);
    }
    const { task, instances } = createScaleOutTask(
      {
        taskId: newTaskId(),
        cluster,
        request,
        parameters: redactSecrets(call.body) as Record<string, unknown>,
        requestId: call.requestId,
        now: call.now,
        durationMs: this.currentSettings.taskDurationMs,
        faults: call.faults,
        usedIps: this.clusters.usedIps(),
      },
      this.tasks.nextSequence(),
    );
    cluster.instances.push(...instances);
    this.tasks.add(task);
    return task;
  }

  /** Finishes every task whose time has come. */
  advance(now: number): FinishedTask[] {
    return this.tasks.due(now).map((task) => this.complete(task, task.finishAt ?? now));
  }

  /** Ends a running task now (admin "finish"), optionally overriding how many of its nodes fail. */
  finishTask(taskId: string, now: number, outcome: TaskOutcome = {}): FinishedTask {
    const task = this.tasks.get(taskId);
    if (task === undefined) {
      throw taskNotFound(taskId);
    }
    if (task.state !== 'running') {
      throw new Error(`task ${taskId} already finished (${task.state})`);
    }
    return this.complete(task, now, outcome);
  }

  reset(): void {
    this.tasks.clear();
    this.clusters.reset();
    this.currentSettings = { ...this.initialSettings };
  }

  private complete(task: TaskRecord, at: number, outcome?: TaskOutcome): FinishedTask {
    const succeeded = completeTask(task, this.clusters.get(task.clusterId), at, outcome);
    return { task, succeeded };
  }
}
