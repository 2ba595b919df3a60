// Builders for the controller core's unit tests: a resource, observed nodes, task records, a fake clock.
import type { SandboxCapacity, SandboxCapacitySpec, SandboxCapacityStatus, TaskRecord } from '../../../src/api/sandbox-capacity.js';
import { plan } from '../../../src/controller/core/plan.js';
import type { Decision, ObservedNode, PlanInput } from '../../../src/controller/core/types.js';

/** The fake clock's origin. */
export const T0 = Date.parse('2026-11-26T10:00:00Z');
export const SECOND = 1_000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const at = (offsetMs: number): number => T0 + offsetMs;
export const iso = (epochMs: number): string => new Date(epochMs).toISOString().replace('.000Z', 'Z');

export function baseSpec(): SandboxCapacitySpec {
  return {
    clusterId: 'c82e6987e2961451182edacd74faf0000',
    regionId: 'cn-hangzhou',
    replicas: 3,
    nodeSelector: { matchLabels: { 'alibabacloud.com/container-runtime': 'Sandboxed-Container.runv' } },
    zoneLabel: 'topology.kubernetes.io/zone',
    scaleOut: {
      vswitchIds: ['vsw-aaa'],
      instanceTypes: ['ecs.ebmg5s.24xlarge'],
      keyPair: 'ops-key',
      dataDisk: { category: 'cloud_efficiency', size: 200 },
      systemDisk: { category: 'cloud_ssd', size: 120 },
      instanceChargeType: 'PostPaid',
      disableRollback: false,
    },
    limits: { maxNodesPerScaleOut: 20, maxInFlightNodes: 40, taskTimeout: '30m', joinGracePeriod: '10m', maxUnjoinedNodes: 0 },
    backoff: { initial: '10s', max: '10m' },
    paused: false,
    scaleIn: { enabled: false, cooldown: '10m', maxNodesPerStep: 1, drainTimeout: '10m' },
  };
}

export interface CapacityOptions {
  spec?: Partial<SandboxCapacitySpec>;
  limits?: Partial<SandboxCapacitySpec['limits']>;
  vswitchIds?: string[];
  status?: SandboxCapacityStatus;
  generation?: number;
}

export function capacity(options: CapacityOptions = {}): SandboxCapacity {
  const spec = { ...baseSpec(), ...options.spec };
  if (options.limits !== undefined) spec.limits = { ...spec.limits, ...options.limits };
  if (options.vswitchIds !== undefined) spec.scaleOut = { ...(spec.scaleOut ?? baseSpec().scaleOut!), vswitchIds: options.vswitchIds };
  const resource: SandboxCapacity = {
    apiVersion: 'capacity.sandbox.dev/v1alpha1',
    kind: 'SandboxCapacity',
    metadata: { name: 'sandbox-workers', namespace: 'sandbox-system', generation: options.generation ?? 1 },
    spec,
  };
  // A resource that has read ACK's task list before (status.ledgerCheckedAt), so a plan may request at
  // once; a test of the first look of a new resource passes status { ledgerCheckedAt: undefined }.
  resource.status = { ledgerCheckedAt: iso(T0 - HOUR), ...options.status };
  if (resource.status.ledgerCheckedAt === undefined) delete resource.status.ledgerCheckedAt;
  return resource;
}

/** The same resource with another status (as the next reconcile reads it back). */
export function withStatus(resource: SandboxCapacity, status: SandboxCapacityStatus): SandboxCapacity {
  const checked = resource.status?.ledgerCheckedAt;
  return { ...resource, status: structuredClone(checked === undefined ? status : { ledgerCheckedAt: checked, ...status }) };
}

export function withSpec(resource: SandboxCapacity, spec: Partial<SandboxCapacitySpec>, generation?: number): SandboxCapacity {
  return {
    ...resource,
    spec: { ...resource.spec, ...spec },
    metadata: { ...resource.metadata, generation: generation ?? (resource.metadata.generation ?? 0) + 1 },
  };
}

export interface NodeOptions {
  instanceId?: string;
  zone?: string;
  ready?: boolean;
  deleting?: boolean;
}

export function node(name: string, options: NodeOptions = {}): ObservedNode {
  const observed: ObservedNode = { name, ready: options.ready ?? true, deleting: options.deleting ?? false };
  if (options.instanceId !== undefined) observed.instanceId = options.instanceId;
  if (options.zone !== undefined) observed.zone = options.zone;
  return observed;
}

/** `count` ready nodes named prefix-0…, with instance ids i-prefix-0… */
export function nodes(count: number, prefix = 'n', options: NodeOptions = {}): ObservedNode[] {
  return Array.from({ length: count }, (_, i) => node(`${prefix}-${i}`, { instanceId: `i-${prefix}-${i}`, ...options }));
}

let recordCounter = 0;
export function record(partial: Partial<TaskRecord> & Pick<TaskRecord, 'state'>): TaskRecord {
  recordCounter += 1;
  return { intentId: `intent-${recordCounter}`, count: 1, startTime: iso(T0), ...partial };
}

export const constantRandom =
  (value: number): (() => number) =>
  () =>
    value;

export function planAt(resource: SandboxCapacity, observed: ObservedNode[], nowMs: number, extra: Partial<PlanInput> = {}): Decision {
  return plan({ capacity: resource, nodes: observed, now: nowMs, random: constantRandom(0.5), ...extra });
}

export function conditionOf(status: SandboxCapacityStatus, type: string): { status: string; reason: string; message: string; lastTransitionTime: string } {
  const found = (status.conditions ?? []).find((condition) => condition.type === type);
  if (found === undefined) throw new Error(`no ${type} condition`);
  return found;
}
