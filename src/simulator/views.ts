// Wire shapes of the describe responses, exactly as the SDK models expect them (ack-api.md §4-§6):
// arrays stay arrays, `error` is an object or absent, times are RFC3339 at +08:00.
import type { ClusterRecord } from './clusters.js';
import type { InstanceRecord, InstanceState } from './instances.js';
import type { TaskRecord } from './tasks.js';
import { formatAckTime } from './time-format.js';

export interface TaskResultEntry {
  data: string;
  status: 'initial' | 'success' | 'failed';
}

export function taskResults(task: TaskRecord): TaskResultEntry[] {
  if (task.poolResults !== undefined) {
    return task.poolResults.map((result) => ({ data: result.instanceId, status: result.status }));
  }
  const succeeded = task.instanceIds.length - task.failedCount;
  return task.instanceIds.map((instanceId, index) => {
    if (task.state === 'running') {
      return { data: instanceId, status: 'initial' };
    }
    return { data: instanceId, status: index < succeeded ? 'success' : 'failed' };
  });
}

export function taskSummaryView(task: TaskRecord): Record<string, unknown> {
  return {
    task_id: task.taskId,
    task_type: task.taskType,
    state: task.state,
    created: formatAckTime(task.createdAt),
    updated: formatAckTime(task.updatedAt),
    ...(task.error ? { error: { ...task.error } } : {}),
  };
}

function currentStage(task: TaskRecord): string {
  if (task.kind === 'scale-out') return 'ScaleOutNodes';
  return task.poolResults?.some((result) => result.op === 'remove') === true ? 'RemoveNodes' : 'ScaleNodePool';
}

export function taskInfoView(task: TaskRecord): Record<string, unknown> {
  return {
    task_id: task.taskId,
    cluster_id: task.clusterId,
    task_type: task.taskType,
    state: task.state,
    created: formatAckTime(task.createdAt),
    updated: formatAckTime(task.updatedAt),
    current_stage: task.state === 'running' ? currentStage(task) : '',
    target: { ...task.target },
    parameters: task.parameters,
    task_result: taskResults(task),
    ...(task.error ? { error: { ...task.error } } : {}),
  };
}

const INSTANCE_STATUS: Readonly<Record<InstanceState, string>> = {
  initial: 'Starting',
  running: 'Running',
  failed: 'Stopped',
  removing: 'Stopping',
};

export function clusterNodeView(instance: InstanceRecord, cluster: ClusterRecord): Record<string, unknown> {
  const family = instance.instanceType.slice(0, Math.max(0, instance.instanceType.lastIndexOf('.')));
  return {
    creation_time: formatAckTime(instance.createdAt),
    error_message: instance.errorMessage,
    expired_time: '2099-12-31T23:59:00+08:00',
    host_name: `iZ${instance.instanceId.slice(2)}Z`,
    image_id: 'aliyun_3_x64_20G_alibase_20240819.vhd',
    instance_charge_type: instance.chargeType,
    instance_id: instance.instanceId,
    instance_name: `worker-k8s-for-cs-${cluster.config.clusterId}`,
    instance_role: 'Worker',
    instance_status: INSTANCE_STATUS[instance.state],
    instance_type: instance.instanceType,
    instance_type_family: family,
    ip_address: [instance.privateIp],
    is_aliyun_node: true,
    node_name: instance.nodeName,
    node_status: instance.nodeStatus,
    nodepool_id: instance.nodepoolId,
    source: 'ess_attach',
    spot_strategy: 'NoSpot',
    state: instance.state,
  };
}
