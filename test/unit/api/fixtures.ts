// Fixtures that set every field the SandboxCapacity types declare. Typed with DeepRequired, so tsc
// refuses them if a type gains a field they do not set or loses one they do: the set of paths in
// these objects is the set of paths in the types. Also used by the integration tests to prove the
// API server keeps every field (no silent pruning).
import type { SandboxCapacitySpec, SandboxCapacityStatus } from '../../../src/api/sandbox-capacity.js';
import type { DeepRequired } from './type-helpers.js';

export const EXAMPLE_CLUSTER_ID = 'c82e6987e2961451182edacd74faf0000';

/** Every spec field set, including the mutually exclusive keyPair and loginPasswordSecretRef. */
export const fullSpec: DeepRequired<SandboxCapacitySpec> = {
  clusterId: EXAMPLE_CLUSTER_ID,
  regionId: 'cn-hangzhou',
  replicas: 12,
  nodeSelector: {
    matchLabels: { 'alibabacloud.com/container-runtime': 'Sandboxed-Container.runv' },
    matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['cn-hangzhou-h', 'cn-hangzhou-i'] }],
  },
  zoneLabel: 'topology.kubernetes.io/zone',
  scaleOut: {
    vswitchIds: ['vsw-aaa', 'vsw-bbb'],
    instanceTypes: ['ecs.ebmg5s.24xlarge', 'ecs.ebmc5s.24xlarge'],
    keyPair: 'ops-key',
    loginPasswordSecretRef: { name: 'worker-login', key: 'password' },
    dataDisk: { category: 'cloud_ssd', size: 1024 },
    systemDisk: { category: 'cloud_efficiency', size: 80 },
    instanceChargeType: 'PrePaid',
    tags: [{ key: 'team', value: 'sandbox' }],
    disableRollback: true,
  },
  nodePool: { id: 'np-0123456789abcdef0123456789abcdef', driftPolicy: 'Observe' },
  credentials: { secretRef: { name: 'ack-credentials' } },
  limits: { maxNodesPerScaleOut: 10, maxInFlightNodes: 30, taskTimeout: '45m', joinGracePeriod: '15m', maxUnjoinedNodes: 1 },
  backoff: { initial: '5s', max: '5m' },
  paused: true,
  scaleIn: { enabled: true, cooldown: '15m', maxNodesPerStep: 2, drainTimeout: '5m' },
};

/** The same spec with only keyPair and no nodePool (exactly one mode), as the API server accepts it. */
export function validFullSpec(): SandboxCapacitySpec {
  const spec = structuredClone(fullSpec) as SandboxCapacitySpec;
  delete spec.scaleOut?.loginPasswordSecretRef;
  delete spec.nodePool;
  return spec;
}

/** The same spec in node-pool mode (no scaleOut), as the API server accepts it. */
export function validNodePoolSpec(): SandboxCapacitySpec {
  const spec = structuredClone(fullSpec) as SandboxCapacitySpec;
  delete spec.scaleOut;
  return spec;
}

export const fullStatus: DeepRequired<SandboxCapacityStatus> = {
  observedGeneration: 3,
  replicas: 10,
  readyReplicas: 9,
  inFlightReplicas: 2,
  selector: 'alibabacloud.com/container-runtime=Sandboxed-Container.runv',
  tasks: [
    {
      intentId: 'intent-0b1c2d3e',
      taskId: 'T-5a54309c80282e39ea00002f',
      requestId: '687C5BAA-D103-4993-884B-C35E4314A1E1',
      count: 2,
      vswitchIds: ['vsw-aaa'],
      state: 'Failed',
      startTime: '2026-11-26T10:00:00Z',
      completionTime: '2026-11-26T10:12:00Z',
      instanceIds: ['i-8vb2y0cdlriptkfer0ir'],
      joinedInstanceIds: ['i-8vb2y0cdlriptkfer0ir'],
      releasedInstanceIds: ['i-2zeb8kz1pvcqgq4lzk3x'],
      failedCount: 1,
      message: 'one instance failed: OutOfStock',
    },
  ],
  lastScaleOutTime: '2026-11-26T10:00:00Z',
  consecutiveFailures: 1,
  nextRetryTime: '2026-11-26T10:12:20Z',
  vswitchZones: { 'vsw-aaa': 'cn-hangzhou-h' },
  unjoined: [{ instanceId: 'i-8vb2y0cdlriptkfer0is', task: 'T-5a54309c80282e39ea00002f', nodeName: 'cn-hangzhou.192.168.0.7', reason: 'NodeSelectorMismatch', message: 'it is Node cn-hangzhou.192.168.0.7, which spec.nodeSelector does not select: team is "b", the selector wants "a"' }],
  outOfStock: [{ vswitchId: 'vsw-aaa', zone: 'cn-hangzhou-h', until: '2026-11-26T10:22:00Z', code: 'OperationDenied.NoStock' }],
  overlapping: ['sandbox-system/other-workers'],
  ledgerCheckedAt: '2026-11-26T09:59:00Z',
  lastRetryRequest: '2026-11-26T10:05:00Z',
  credentialsVersion: '48213',
  nodePool: {
    nodepoolId: 'np-0123456789abcdef0123456789abcdef',
    desiredSize: 5,
    state: 'scaling',
    totalNodes: 4,
    healthyNodes: 3,
    initialNodes: 1,
    failedNodes: 1,
    observedTime: '2026-11-26T10:13:00Z',
    lastWrite: { desiredSize: 5, taskId: 'T-5a54309c80282e39ea000031', requestId: '687C5BAA-D103-4993-884B-C35E4314A1E3', time: '2026-11-26T10:12:30Z' },
    drift: { from: 3, to: 2, time: '2026-11-26T10:11:00Z', observedGeneration: 3 },
    problem: { reason: 'NodePoolNotEligible', message: 'auto_scaling.enable is true' },
    taskError: { code: 'OperationDenied.NoStock', message: 'no stock' },
    shortSince: '2026-11-26T10:12:30Z',
  },
  scaleIn: {
    surplusSince: '2026-11-26T10:00:00Z',
    removals: [{ nodeName: 'cn-hangzhou.192.168.0.9', instanceId: 'i-8vb2y0cdlriptkfer0it', phase: 'Removing', startTime: '2026-11-26T10:10:00Z', removeTime: '2026-11-26T10:12:00Z', taskId: 'T-5a54309c80282e39ea000032' }],
  },
  lastDecision: { action: 'Wait', reason: 'BackingOff', message: 'retrying after 20s', count: 1 },
  conditions: [
    {
      type: 'Ready',
      status: 'False',
      reason: 'ScalingOut',
      message: '2 nodes requested (T-5a54309c80282e39ea00002f)',
      lastTransitionTime: '2026-11-26T10:00:00Z',
      observedGeneration: 3,
    },
  ],
};

/**
 * The field paths of a fixture with the JSON kind of each value (`array` for lists); lists are
 * described by their first item. `mapPaths` are string maps, whose keys are data, not fields.
 */
export function objectFields(value: object, prefix: string, mapPaths: ReadonlySet<string>): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, child] of Object.entries(value)) {
    const path = `${prefix}${name}`;
    const item: unknown = Array.isArray(child) ? child[0] : child;
    fields.set(path, Array.isArray(child) ? 'array' : typeof child);
    if (typeof item !== 'object' || item === null || mapPaths.has(path)) continue;
    for (const [p, kind] of objectFields(item, Array.isArray(child) ? `${path}[].` : `${path}.`, mapPaths)) fields.set(p, kind);
  }
  return fields;
}
