// Everything the simulator knows, and the rules that change it: clusters, their node pools and
// instances, tasks, settings. Synchronous and free of I/O; time comes in as `now`.
import { activeNodeCount, ClusterRegistry, zoneOf, type ClusterConfig, type ClusterRecord } from './clusters.js';
import { clusterBusy, invalidParameter, nodeQuotaExceeded, taskNotFound } from './errors.js';
import type { FaultDecision } from './fault-types.js';
import { isJsonObject } from './field-checks.js';
import { newTaskId } from './ids.js';
import { vswitchesUsed, type InstanceRecord } from './instances.js';
import { NodePoolEngine, type LaunchFaults, type PoolEvents } from './node-pool-engine.js';
import { NodePoolWrites } from './node-pool-writes.js';
import { redactSecrets } from './redact.js';
import { mergeSettings, type SimulatorSettings } from './settings.js';
import { noStockRefusal, stockOutAt } from './stock.js';
import { completeTask, createScaleOutTask, TaskStore, type TaskOutcome, type TaskRecord } from './tasks.js';
import { validateScaleOut, type ScaleOutRequest } from './validation.js';

export interface FinishedTask {
  task: TaskRecord;
  succeeded: InstanceRecord[];
}

/** What one advance did: finished scale-out tasks, and the node pools' events. */
export interface AdvanceResult extends PoolEvents {
  scaleOuts: FinishedTask[];
}

export interface ScaleOutCall {
  clusterId: string;
  body: unknown;
  requestId: string;
  now: number;
  faults: FaultDecision;
  /** Kinds of the faults the call met on its way (the stock check), for the request record. */
  applied?: string[];
}

export class SimulatorState {
  readonly clusters: ClusterRegistry;
  readonly tasks = new TaskStore();
  readonly poolEngine: NodePoolEngine;
  readonly pools: NodePoolWrites;
  private currentSettings: SimulatorSettings;

  constructor(
    clusterConfigs: readonly ClusterConfig[],
    private readonly initialSettings: SimulatorSettings,
    private readonly faults: LaunchFaults,
    now: () => number = Date.now,
  ) {
    this.clusters = new ClusterRegistry(clusterConfigs, now);
    this.currentSettings = { ...initialSettings };
    this.poolEngine = new NodePoolEngine({
      tasks: this.tasks,
      faults,
      settings: () => this.currentSettings,
      usedIps: () => this.clusters.usedIps(),
      cluster: (clusterId) => this.clusters.get(clusterId),
    });
    this.pools = new NodePoolWrites({ clusters: this.clusters, tasks: this.tasks, engine: this.poolEngine, settings: () => this.currentSettings });
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
    this.checkStock(cluster, request, call);
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

  /** Finishes every scale-out task whose time has come, and runs the node pools up to `now`. */
  advance(now: number): AdvanceResult {
    const scaleOuts = this.tasks.due(now).map((task) => this.complete(task, task.finishAt ?? now));
    return { scaleOuts, ...this.poolEngine.advance(this.clusters.list(), now) };
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
    if (task.kind === 'pool') {
      throw new Error(`task ${taskId} is a node pool task: it ends when its pool's nodes are created or removed`);
    }
    return this.complete(task, now, outcome);
  }

  reset(): void {
    this.tasks.clear();
    this.clusters.reset();
    this.currentSettings = { ...this.initialSettings };
  }

  /** ACK refuses a scale-out whose nodes would land in a vSwitch or zone without stock. */
  private checkStock(cluster: ClusterRecord, request: ScaleOutRequest, call: ScaleOutCall): void {
    const placements = vswitchesUsed(request).map((vswitchId) => ({ vswitchId, zone: zoneOf(cluster.config, vswitchId) }));
    const outages = this.faults.stockOuts({ placements });
    for (const placement of placements) {
      const outage = stockOutAt(outages, placement);
      if (outage !== undefined) {
        call.applied?.push(outage.kind);
        throw noStockRefusal(outage, placement);
      }
    }
  }

  private complete(task: TaskRecord, at: number, outcome?: TaskOutcome): FinishedTask {
    const succeeded = completeTask(task, this.clusters.get(task.clusterId), at, outcome);
    return { task, succeeded };
  }
}
