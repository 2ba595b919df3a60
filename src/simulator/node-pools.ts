// The node pools of a simulated cluster: their configuration (type, runtime, autoscaling, vSwitches,
// instance types, labels) and the little state ACK keeps for each (ack-nodepool.md): the absolute
// `desired_size`, a state held by hand (a pool stuck "updating"), when ESS retries failed creations.
import { newNodepoolId, newScalingGroupId } from './ids.js';
import { CONTAINER_RUNTIMES, CONTAINERD_RUNTIME, SANDBOX_RUNTIME, type ContainerRuntime } from './node-labels.js';
import type { NodeTaint } from './tag-rules.js';

export const NODE_POOL_TYPES = ['ess', 'edge', 'lingjun'] as const;
export type NodePoolType = (typeof NODE_POOL_TYPES)[number];
/** States a pool can be held in by hand (admin API); `active` releases the hold. */
export const HELD_STATES = ['scaling', 'removing', 'deleting', 'updating', 'initial', 'removing_nodes'] as const;
export type HeldState = (typeof HELD_STATES)[number];

export const DEFAULT_VSWITCH_ID = 'vsw-simulator';
const SANDBOX_INSTANCE_TYPE = 'ecs.ebmg5s.24xlarge';
const GENERAL_INSTANCE_TYPE = 'ecs.g7.2xlarge';
const CONTAINERD_VERSION = '1.6.28';
const TAINT_EFFECTS = ['NoSchedule', 'NoExecute', 'PreferNoSchedule'];

export interface NodePoolConfig {
  /** Default `np` + 32 hex digits. */
  nodepoolId?: string;
  /** Default `sandbox-pool` for the first pool, `pool-<n>` for the others. */
  name?: string;
  /** Default `ess`. */
  type?: NodePoolType;
  /** Default Sandboxed-Container.runv in a sandbox cluster, containerd otherwise. */
  runtime?: ContainerRuntime;
  /** Default: the cluster's runtimeVersion for runv, 1.6.28 for containerd. */
  runtimeVersion?: string;
  /** auto_scaling.enable: ACK's autoscaler owns the size and desired_size does not apply. Default false. */
  autoScaling?: boolean;
  minInstances?: number;
  maxInstances?: number;
  /** auto_mode.enable (ACK manages the pool). Default false. */
  autoMode?: boolean;
  /** Default: every vSwitch of the cluster's vswitchZones, or `vsw-simulator`. */
  vswitchIds?: string[];
  /** Default ecs.ebmg5s.24xlarge for runv, ecs.g7.2xlarge for containerd. */
  instanceTypes?: string[];
  /** The pool's Expected Nodes at start. Default 0. */
  desiredSize?: number;
  /** kubernetes_config.labels: put on every node of the pool. */
  labels?: Record<string, string>;
  taints?: NodeTaint[];
  isDefault?: boolean;
}

export type ResolvedNodePoolConfig = Required<Omit<NodePoolConfig, 'desiredSize'>>;

export interface NodePoolRecord {
  config: ResolvedNodePoolConfig;
  scalingGroupId: string;
  desiredSize: number;
  /** A state forced through the admin API; null: the state follows the pool's work. */
  heldState: HeldState | null;
  /** Next vSwitch of the round-robin placement. */
  nextVswitch: number;
  /** ESS retries failed creations no earlier than this. */
  retryAt: number;
  /** Instance creations that failed, over the pool's life. */
  failedCreations: number;
  /** Instances the pool launched over its life (retries and replacements included): what was paid for. */
  createdInstances: number;
  createdAt: number;
  updatedAt: number;
}

/** What a pool needs to know of its cluster to fill in defaults. */
export interface PoolDefaults {
  sandbox: boolean;
  runtimeVersion: string;
  vswitchIds: readonly string[];
}

export class NodePoolConfigError extends Error {
  override readonly name = 'NodePoolConfigError';
}

function fail(field: string, problem: string): never {
  throw new NodePoolConfigError(`node pool ${field} ${problem}`);
}

function checkEnum<T extends string>(field: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value !== undefined && !allowed.includes(value as T)) {
    fail(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T | undefined;
}

function checkText(field: string, value: unknown, pattern = /^.{1,128}$/): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || !pattern.test(value))) {
    fail(field, `must be a string matching ${String(pattern)}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkFlag(field: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    fail(field, 'must be true or false');
  }
  return value;
}

export function checkPoolSize(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10_000) {
    fail(field, `must be a whole number from 0 to 10000, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkList(field: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.some((item) => typeof item !== 'string' || item === '')) {
    fail(field, 'must be a non-empty list of non-empty strings');
  }
  return [...(value as string[])];
}

function checkLabels(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const entries = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : undefined;
  if (entries === undefined || entries.some(([, item]) => typeof item !== 'string')) {
    fail('labels', 'must map label keys to string values');
  }
  return Object.fromEntries(entries);
}

function checkTaints(value: unknown): NodeTaint[] | undefined {
  if (value === undefined) return undefined;
  const valid = Array.isArray(value) && value.every((taint: unknown) => {
    const candidate = taint as Partial<NodeTaint> | null;
    return typeof candidate?.key === 'string' && (candidate.value === undefined || typeof candidate.value === 'string') && TAINT_EFFECTS.includes(candidate.effect ?? 'NoSchedule');
  });
  if (!valid) {
    fail('taints', `must be a list of {key, value, effect} with effect one of ${TAINT_EFFECTS.join(', ')}`);
  }
  return (value as Partial<NodeTaint>[]).map((taint) => ({ key: taint.key ?? '', value: taint.value ?? '', effect: taint.effect ?? 'NoSchedule' }));
}

function scalingBounds(config: NodePoolConfig): { minInstances: number; maxInstances: number } {
  const minInstances = config.minInstances === undefined ? 0 : checkPoolSize('minInstances', config.minInstances);
  const maxInstances = config.maxInstances === undefined ? Math.max(minInstances, 10) : checkPoolSize('maxInstances', config.maxInstances);
  if (maxInstances < minInstances) fail('maxInstances', `must be at least minInstances (${minInstances})`);
  return { minInstances, maxInstances };
}

function runtimeFields(config: NodePoolConfig, defaults: PoolDefaults): Pick<ResolvedNodePoolConfig, 'runtime' | 'runtimeVersion' | 'instanceTypes'> {
  const runtime = checkEnum('runtime', config.runtime, CONTAINER_RUNTIMES) ?? (defaults.sandbox ? SANDBOX_RUNTIME : CONTAINERD_RUNTIME);
  const sandbox = runtime === SANDBOX_RUNTIME;
  return {
    runtime,
    runtimeVersion: checkText('runtimeVersion', config.runtimeVersion) ?? (sandbox ? defaults.runtimeVersion : CONTAINERD_VERSION),
    instanceTypes: checkList('instanceTypes', config.instanceTypes) ?? [sandbox ? SANDBOX_INSTANCE_TYPE : GENERAL_INSTANCE_TYPE],
  };
}

function scalingFields(config: NodePoolConfig, defaults: PoolDefaults): Pick<ResolvedNodePoolConfig, 'autoScaling' | 'minInstances' | 'maxInstances' | 'autoMode' | 'vswitchIds'> {
  return {
    autoScaling: checkFlag('autoScaling', config.autoScaling) ?? false,
    ...scalingBounds(config),
    autoMode: checkFlag('autoMode', config.autoMode) ?? false,
    vswitchIds: checkList('vswitchIds', config.vswitchIds) ?? (defaults.vswitchIds.length > 0 ? [...defaults.vswitchIds] : [DEFAULT_VSWITCH_ID]),
  };
}

/** Checks a pool configuration (it also arrives as JSON through the admin API) and fills in defaults. */
export function resolveNodePoolConfig(config: NodePoolConfig, defaults: PoolDefaults, index: number): ResolvedNodePoolConfig {
  return {
    nodepoolId: checkText('nodepoolId', config.nodepoolId, /^[A-Za-z0-9-]{1,64}$/) ?? newNodepoolId(),
    name: checkText('name', config.name) ?? (index === 0 ? 'sandbox-pool' : `pool-${index + 1}`),
    type: checkEnum('type', config.type, NODE_POOL_TYPES) ?? 'ess',
    ...runtimeFields(config, defaults),
    ...scalingFields(config, defaults),
    labels: checkLabels(config.labels) ?? {},
    taints: checkTaints(config.taints) ?? [],
    isDefault: checkFlag('isDefault', config.isDefault) ?? false,
  };
}

export function newNodePoolRecord(config: ResolvedNodePoolConfig, desiredSize: number, now: number): NodePoolRecord {
  return {
    config,
    scalingGroupId: newScalingGroupId(),
    desiredSize,
    heldState: null,
    nextVswitch: 0,
    retryAt: 0,
    failedCreations: 0,
    createdInstances: 0,
    createdAt: now,
    updatedAt: now,
  };
}

/** A pool whose size ACK itself manages: desired_size is stored but does not apply (ack-nodepool.md). */
export function sizeIsManaged(pool: NodePoolRecord): boolean {
  return pool.config.autoScaling || pool.config.autoMode;
}
