// Wire shape of a node pool, as DescribeClusterNodePools (one per entry of `nodepools`) and
// DescribeClusterNodePoolDetail return it. Keys and types follow the SDK 7.2.0 models
// (DescribeClusterNodePoolDetailResponseBody and its nested models): objects stay objects, arrays
// arrays, numbers numbers, so the SDK's strict cast accepts every answer.
import type { ClusterRecord } from './clusters.js';
import type { NodePoolRecord } from './node-pools.js';
import { poolCounts, poolState } from './node-pool-status.js';
import type { TaskStore } from './tasks.js';
import { formatAckTime } from './time-format.js';

export interface PoolViewContext {
  tasks: TaskStore;
  now: number;
}

function scalingGroupView(cluster: ClusterRecord, pool: NodePoolRecord): Record<string, unknown> {
  const { config } = pool;
  return {
    scaling_group_id: pool.scalingGroupId,
    desired_size: pool.desiredSize,
    vswitch_ids: [...config.vswitchIds],
    instance_types: [...config.instanceTypes],
    instance_charge_type: 'PostPaid',
    scaling_policy: 'release',
    multi_az_policy: 'BALANCE',
    image_type: 'AliyunLinux3',
    image_id: 'aliyun_3_x64_20G_alibase_20240819.vhd',
    system_disk_category: 'cloud_essd',
    system_disk_size: 120,
    data_disks: [{ category: 'cloud_essd', size: 200, encrypted: 'false' }],
    security_group_ids: [`sg-${cluster.config.clusterId.slice(0, 20)}`],
    tags: [],
    rds_instances: [],
    platform: 'AliyunLinux',
    spot_strategy: 'NoSpot',
  };
}

function kubernetesConfigView(pool: NodePoolRecord): Record<string, unknown> {
  const { config } = pool;
  return {
    runtime: config.runtime,
    runtime_version: config.runtimeVersion,
    labels: Object.entries(config.labels).map(([key, value]) => ({ key, value })),
    taints: config.taints.map((taint) => ({ key: taint.key, value: taint.value, effect: taint.effect })),
    unschedulable: false,
    cpu_policy: 'none',
    cms_enabled: false,
  };
}

export function nodePoolDetailView(cluster: ClusterRecord, pool: NodePoolRecord, context: PoolViewContext): Record<string, unknown> {
  const { config } = pool;
  return {
    nodepool_info: {
      nodepool_id: config.nodepoolId,
      name: config.name,
      type: config.type,
      is_default: config.isDefault,
      region_id: cluster.config.regionId,
      resource_group_id: '',
      created: formatAckTime(pool.createdAt),
      updated: formatAckTime(pool.updatedAt),
    },
    status: { state: poolState(cluster, pool, context.tasks), ...poolCounts(cluster, pool, context.now) },
    scaling_group: scalingGroupView(cluster, pool),
    kubernetes_config: kubernetesConfigView(pool),
    auto_scaling: {
      enable: config.autoScaling,
      min_instances: config.minInstances,
      max_instances: config.maxInstances,
      type: 'cpu',
      is_bond_eip: false,
      eip_bandwidth: 0,
      eip_internet_charge_type: 'PayByBandwidth',
    },
    auto_mode: { enable: config.autoMode },
    management: { enable: config.type === 'ess', auto_repair: false, auto_upgrade: false, auto_vul_fix: false },
    ...(config.type === 'edge' ? { interconnect_mode: 'basic' } : {}),
  };
}
