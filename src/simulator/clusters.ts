// The simulated ACK clusters: their configuration (region, sandbox runtime, limits, vSwitch zones),
// their node pools, and the ECS instances scale-out tasks and node pools added to them.
import { clusterNotFound, nodePoolNotFound } from './errors.js';
import { newNodepoolId } from './ids.js';
import type { InstanceRecord } from './instances.js';
import {
  checkPoolSize,
  newNodePoolRecord,
  NodePoolConfigError,
  resolveNodePoolConfig,
  type NodePoolConfig,
  type NodePoolRecord,
  type ResolvedNodePoolConfig,
} from './node-pools.js';

export const DEFAULT_CLUSTER_ID = 'c82e6987e2961451182edacd74faf0000';
export const DEFAULT_REGION_ID = 'cn-hangzhou';

export interface ClusterConfig {
  clusterId: string;
  /** Default cn-hangzhou. */
  regionId?: string;
  /** A sandboxed-container (runV) cluster applies the seed's rules. Default true. */
  sandbox?: boolean;
  /** Most nodes the cluster may hold (initial and running count). Default 100, as ACK's old default quota. */
  nodeQuota?: number;
  /** Scale-out tasks that may run at once; one more is refused as "state is scaling". Default 1. */
  maxConcurrentScaleOuts?: number;
  /** vSwitch id → zone id, for the topology.kubernetes.io/zone label. */
  vswitchZones?: Record<string, string>;
  /** Zone of vSwitches missing from vswitchZones. Default `<regionId>-a`. */
  defaultZone?: string;
  /** alibabacloud.com/container-runtime-version label. Default 2.2.0. */
  runtimeVersion?: string;
  /** nodeInfo.kubeletVersion of joined nodes. Default v1.30.1-aliyun.1. */
  kubeletVersion?: string;
  /**
   * The cluster's node pools when it is created. Default: one eligible sandbox pool (runtime runv in
   * a sandbox cluster, autoscaling off, type ess, desired size 0); `[]` for none.
   */
  nodePools?: NodePoolConfig[];
}

export type ResolvedClusterConfig = Required<Omit<ClusterConfig, 'nodePools'>>;

export interface ClusterRecord {
  config: ResolvedClusterConfig;
  /** The pool id ScaleOutCluster instances carry; no listed pool has it (docs/simulator.md). */
  nodepoolId: string;
  nodePools: NodePoolRecord[];
  instances: InstanceRecord[];
}

export class ClusterConfigError extends Error {
  override readonly name = 'ClusterConfigError';
}

function checkCount(value: unknown, field: string, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ClusterConfigError(`cluster ${field} must be a whole number of at least ${min}`);
  }
}

const STRING_FIELDS = ['regionId', 'defaultZone', 'runtimeVersion', 'kubeletVersion'] as const;

// Configurations also arrive as JSON through the admin API, so their types are checked here.
function checkShape(config: ClusterConfig): void {
  for (const field of STRING_FIELDS) {
    const value: unknown = config[field];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new ClusterConfigError(`cluster ${field} must be a non-empty string`);
    }
  }
  const sandbox: unknown = config.sandbox;
  if (sandbox !== undefined && typeof sandbox !== 'boolean') {
    throw new ClusterConfigError('cluster sandbox must be true or false');
  }
  checkZones(config);
}

function checkZones(config: ClusterConfig): void {
  const zones: unknown = config.vswitchZones;
  const zoneValues = typeof zones === 'object' && zones !== null && !Array.isArray(zones) ? Object.values(zones) : undefined;
  if (zones !== undefined && (zoneValues === undefined || zoneValues.some((zone) => typeof zone !== 'string'))) {
    throw new ClusterConfigError('cluster vswitchZones must map vSwitch ids to zone ids');
  }
}

export function resolveClusterConfig(config: ClusterConfig): ResolvedClusterConfig {
  if (typeof config.clusterId !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(config.clusterId)) {
    throw new ClusterConfigError('clusterId must be 1-64 letters, digits or dashes');
  }
  checkShape(config);
  const regionId = config.regionId ?? DEFAULT_REGION_ID;
  const resolved: ResolvedClusterConfig = {
    clusterId: config.clusterId,
    regionId,
    sandbox: config.sandbox ?? true,
    nodeQuota: config.nodeQuota ?? 100,
    maxConcurrentScaleOuts: config.maxConcurrentScaleOuts ?? 1,
    vswitchZones: { ...(config.vswitchZones ?? {}) },
    defaultZone: config.defaultZone ?? `${regionId}-a`,
    runtimeVersion: config.runtimeVersion ?? '2.2.0',
    kubeletVersion: config.kubeletVersion ?? 'v1.30.1-aliyun.1',
  };
  checkCount(resolved.nodeQuota, 'nodeQuota', 0);
  checkCount(resolved.maxConcurrentScaleOuts, 'maxConcurrentScaleOuts', 1);
  return resolved;
}

/** Resolves a cluster's pool list, filling in ids once so they stay the same across reset(). */
type InitialPool = ResolvedNodePoolConfig & { desiredSize: number };

function resolvePools(config: ClusterConfig, resolved: ResolvedClusterConfig): InitialPool[] {
  const inputs = config.nodePools ?? [{}];
  if (!Array.isArray(inputs)) {
    throw new ClusterConfigError('cluster nodePools must be a list of node pool configurations');
  }
  const defaults = { sandbox: resolved.sandbox, runtimeVersion: resolved.runtimeVersion, vswitchIds: Object.keys(resolved.vswitchZones) };
  const pools = inputs.map((input, index) => resolveNodePoolConfig(input, defaults, index));
  const ids = pools.map((pool) => pool.nodepoolId);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate !== undefined) {
    throw new NodePoolConfigError(`node pool id ${duplicate} is used twice in cluster ${resolved.clusterId}`);
  }
  return pools.map((pool, index) => ({ ...pool, desiredSize: checkPoolSize('desiredSize', inputs[index]?.desiredSize ?? 0) }));
}

export function zoneOf(config: ResolvedClusterConfig, vswitchId: string): string {
  return config.vswitchZones[vswitchId] ?? config.defaultZone;
}

/** Nodes that count against the quota: everything not failed or already removed. */
export function activeNodeCount(record: ClusterRecord): number {
  return record.instances.filter((instance) => instance.state === 'initial' || instance.state === 'running').length;
}

export class ClusterRegistry {
  private readonly records = new Map<string, ClusterRecord>();
  private readonly initial: readonly ClusterConfig[];

  constructor(
    initial: readonly ClusterConfig[],
    private readonly now: () => number = Date.now,
  ) {
    // Pool ids are drawn once, so a reset brings back the same pools.
    this.initial = initial.map((config) => ({ ...config, nodePools: resolvePools(config, resolveClusterConfig(config)) }));
    this.reset();
  }

  /** Back to the configured clusters, without instances. */
  reset(): void {
    this.records.clear();
    for (const config of this.initial) {
      this.upsert(config);
    }
  }

  list(): ClusterRecord[] {
    return [...this.records.values()];
  }

  get(clusterId: string): ClusterRecord | undefined {
    return this.records.get(clusterId);
  }

  require(clusterId: string): ClusterRecord {
    const record = this.records.get(clusterId);
    if (record === undefined) {
      throw clusterNotFound(clusterId);
    }
    return record;
  }

  /**
   * Adds a cluster, or replaces the configuration of an existing one keeping its instances and its
   * pools (`nodePools` only applies to a new cluster; use addNodePool for more).
   */
  upsert(config: ClusterConfig): ClusterRecord {
    const resolved = resolveClusterConfig(config);
    const existing = this.records.get(resolved.clusterId);
    if (existing) {
      existing.config = resolved;
      return existing;
    }
    const now = this.now();
    const pools = resolvePools(config, resolved).map(({ desiredSize, ...pool }) => newNodePoolRecord(pool, desiredSize, now));
    const record: ClusterRecord = { config: resolved, nodepoolId: newNodepoolId(), nodePools: pools, instances: [] };
    this.records.set(resolved.clusterId, record);
    return record;
  }

  requirePool(clusterId: string, nodepoolId: string): { cluster: ClusterRecord; pool: NodePoolRecord } {
    const cluster = this.require(clusterId);
    const pool = cluster.nodePools.find((candidate) => candidate.config.nodepoolId === nodepoolId);
    if (pool === undefined) {
      throw nodePoolNotFound(nodepoolId);
    }
    return { cluster, pool };
  }

  addPool(clusterId: string, config: NodePoolConfig): NodePoolRecord {
    const cluster = this.require(clusterId);
    const defaults = { sandbox: cluster.config.sandbox, runtimeVersion: cluster.config.runtimeVersion, vswitchIds: Object.keys(cluster.config.vswitchZones) };
    const { desiredSize, ...rest } = config;
    const resolved = resolveNodePoolConfig(rest, defaults, cluster.nodePools.length);
    if (cluster.nodePools.some((pool) => pool.config.nodepoolId === resolved.nodepoolId)) {
      throw new NodePoolConfigError(`node pool id ${resolved.nodepoolId} already exists in cluster ${clusterId}`);
    }
    const pool = newNodePoolRecord(resolved, checkPoolSize('desiredSize', desiredSize ?? 0), this.now());
    cluster.nodePools.push(pool);
    return pool;
  }

  update(clusterId: string, patch: Partial<ClusterConfig>): ClusterRecord {
    const record = this.require(clusterId);
    return this.upsert({ ...record.config, ...patch, clusterId });
  }

  remove(clusterId: string): boolean {
    return this.records.delete(clusterId);
  }

  findInstance(instanceId: string): InstanceRecord | undefined {
    for (const record of this.records.values()) {
      const instance = record.instances.find((candidate) => candidate.instanceId === instanceId);
      if (instance) {
        return instance;
      }
    }
    return undefined;
  }

  usedIps(): Set<string> {
    return new Set(this.list().flatMap((record) => record.instances.map((instance) => instance.privateIp)));
  }
}
