// ScaleOutCluster tasks: `running` until their finish time, then `success` or `fail`
// (ack-api.md §4). A task's instances succeed or fail with it; a partly failed task fails as a whole
// but keeps the instances that were created.
import { CONTAINERD_RUNTIME } from './node-labels.js';
import type { ClusterRecord } from './clusters.js';
import type { FaultDecision, FaultRule } from './fault-types.js';
import { affectedCount, createInstances, type InstanceRecord } from './instances.js';
import type { ScaleOutRequest } from './validation.js';

export type TaskState = 'running' | 'success' | 'fail';
export const SCALE_OUT_TASK_TYPE = 'cluster_scaleout';
/** `task_result[].status` of one instance. */
export type TaskResultStatus = 'initial' | 'success' | 'failed';
/** scale-out: ends at its finish time (ScaleOutCluster). pool: ends when its instances settle (node-pool-tasks.ts). */
export type TaskKind = 'scale-out' | 'pool';

/** One instance of a pool task: created (success once running) or removed (success once gone). */
export interface PoolResult {
  instanceId: string;
  op: 'create' | 'remove';
  status: TaskResultStatus;
}

export interface TaskTarget {
  id: string;
  type: 'cluster' | 'nodepool';
}

export interface TaskError {
  code: string;
  message: string;
}

export interface TaskRecord {
  taskId: string;
  clusterId: string;
  requestId: string;
  kind: TaskKind;
  taskType: string;
  target: TaskTarget;
  /** Pool tasks: the pool they work on (absent for DeleteClusterNodes). */
  nodepoolId?: string;
  /** Pool tasks: each instance the task creates or removes, and how that went. */
  poolResults?: PoolResult[];
  createdAt: number;
  updatedAt: number;
  /** null: the task stays running until someone finishes it. */
  finishAt: number | null;
  state: TaskState;
  /** The request body with secrets redacted, as DescribeTaskInfo reports it. */
  parameters: Record<string, unknown>;
  instanceIds: string[];
  plannedFailures: number;
  /** Instances that failed when the task ended: the last `failedCount` of instanceIds. */
  failedCount: number;
  plannedError?: TaskError;
  error?: TaskError;
  sequence: number;
}

export interface NewTaskInput {
  taskId: string;
  cluster: ClusterRecord;
  request: ScaleOutRequest;
  parameters: Record<string, unknown>;
  requestId: string;
  now: number;
  durationMs: number;
  faults: FaultDecision;
  usedIps: Set<string>;
}

export interface TaskOutcome {
  /** How many of the task's instances fail (default: as planned when the task was created). */
  failures?: number;
  error?: TaskError;
}

function applyNodeFault(instances: InstanceRecord[], succeeding: number, faults: FaultDecision): void {
  if (faults.node !== undefined) {
    applyNodeRule(instances.slice(0, succeeding), faults.node);
  }
}

/** Applies a node fault to the last `fraction` of these instances (at least one). */
export function applyNodeRule(instances: readonly InstanceRecord[], rule: FaultRule): void {
  const affected = affectedCount(instances.length, rule.fraction);
  for (const instance of instances.slice(instances.length - affected)) {
    if (rule.kind === 'node-not-ready') {
      instance.join = 'not-ready';
    } else if (rule.kind === 'node-never-joins') {
      instance.join = 'never';
    } else if (rule.kind === 'node-mislabelled') {
      instance.labelOverrides = { ...(rule.labels ?? { 'alibabacloud.com/container-runtime': CONTAINERD_RUNTIME }) };
    } else {
      instance.disappearAfterMs = rule.afterMs ?? 30_000;
    }
  }
}

function plannedError(faults: FaultDecision): TaskError | undefined {
  const rule = faults.task;
  if (rule?.kind !== 'task-fail') {
    return undefined;
  }
  return {
    code: rule.code ?? 'InstanceCreateFailed',
    message: rule.message ?? 'failed to create ECS instances: the requested resources are not available',
  };
}

export function createScaleOutTask(input: NewTaskInput, sequence: number): { task: TaskRecord; instances: InstanceRecord[] } {
  const instances = createInstances({ ...input, taskId: input.taskId });
  const { faults } = input;
  const plannedFailures = faults.task?.kind === 'task-fail' ? affectedCount(instances.length, faults.task.failFraction) : 0;
  applyNodeFault(instances, instances.length - plannedFailures, faults);
  const error = plannedError(faults);
  const task: TaskRecord = {
    taskId: input.taskId,
    clusterId: input.cluster.config.clusterId,
    requestId: input.requestId,
    kind: 'scale-out',
    taskType: SCALE_OUT_TASK_TYPE,
    target: { id: input.cluster.config.clusterId, type: 'cluster' },
    createdAt: input.now,
    updatedAt: input.now,
    finishAt: faults.task?.kind === 'task-stuck' ? null : input.now + input.durationMs,
    state: 'running',
    parameters: input.parameters,
    instanceIds: instances.map((instance) => instance.instanceId),
    plannedFailures,
    failedCount: 0,
    ...(error ? { plannedError: error } : {}),
    sequence,
  };
  return { task, instances };
}

/** Ends a running task at `at`; returns the instances that were created successfully. */
export function completeTask(task: TaskRecord, cluster: ClusterRecord | undefined, at: number, outcome: TaskOutcome = {}): InstanceRecord[] {
  const instances = (cluster?.instances ?? []).filter((instance) => instance.taskId === task.taskId);
  const failures = Math.min(instances.length, Math.max(0, outcome.failures ?? task.plannedFailures));
  const succeeded = instances.slice(0, instances.length - failures);
  const failed = instances.slice(instances.length - failures);
  const error = outcome.error ??
    task.plannedError ?? { code: 'InstanceCreateFailed', message: 'failed to create ECS instances' };
  // An instance already being removed (DeleteClusterNodes while the task ran) stays removing.
  for (const instance of succeeded.filter((candidate) => candidate.state === 'initial')) {
    instance.state = 'running';
  }
  for (const instance of failed.filter((candidate) => candidate.state === 'initial')) {
    instance.state = 'failed';
    instance.errorMessage = error.message;
  }
  task.failedCount = failures;
  task.state = failures > 0 ? 'fail' : 'success';
  task.updatedAt = at;
  task.finishAt = at;
  if (failures > 0) {
    task.error = { code: error.code, message: `${error.message} (${failures} of ${instances.length} nodes failed)` };
  }
  return succeeded;
}

export class TaskStore {
  private readonly tasks = new Map<string, TaskRecord>();
  private sequence = 0;

  nextSequence(): number {
    this.sequence += 1;
    return this.sequence;
  }

  add(task: TaskRecord): void {
    this.tasks.set(task.taskId, task);
  }

  get(taskId: string): TaskRecord | undefined {
    return this.tasks.get(taskId);
  }

  /** Newest first. */
  list(clusterId?: string): TaskRecord[] {
    return [...this.tasks.values()]
      .filter((task) => clusterId === undefined || task.clusterId === clusterId)
      .sort((a, b) => b.createdAt - a.createdAt || b.sequence - a.sequence);
  }

  /** Running tasks of one kind (ScaleOutCluster's concurrency limit counts only its own). */
  runningCount(clusterId: string, kind: TaskKind | 'any' = 'scale-out'): number {
    return this.list(clusterId).filter((task) => task.state === 'running' && (kind === 'any' || task.kind === kind)).length;
  }

  /** Running pool tasks, oldest first. */
  runningPoolTasks(): TaskRecord[] {
    return this.list()
      .filter((task) => task.state === 'running' && task.kind === 'pool')
      .reverse();
  }

  /** Running scale-out tasks whose finish time has come, oldest first. */
  due(now: number): TaskRecord[] {
    return this.list()
      .filter((task) => task.state === 'running' && task.kind === 'scale-out' && task.finishAt !== null && task.finishAt <= now)
      .reverse();
  }

  clear(): void {
    this.tasks.clear();
  }
}
