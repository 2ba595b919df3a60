// Prometheus metrics of the operator, on a registry of its own (no global singleton), so tests
// and several controllers in one process never share counters by accident. Our own series are
// prefixed sandbox_capacity_; the work queue, reconcile and leader series use client-go's and
// controller-runtime's names, and process_* / nodejs_* are prom-client's standard ones, so the
// dashboards and alerts people already run for operators apply unchanged.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LeaderElectionMetrics } from '../kube/leader-lease.js';
import { BUILD_INFO } from './build-info.js';
import { createLeaderElectionMetrics } from './leader-metrics.js';
import { createReconcileMetrics, type ReconcileMetricsProvider } from './reconcile-metrics.js';
import { createWorkQueueMetrics, type WorkQueueMetricsProvider } from './workqueue-metrics.js';

const PREFIX = 'sandbox_capacity_';

/** The `controller` / `name` label of the SandboxCapacity controller's queue and reconciles (controller-runtime: lower-case kind). */
export const CONTROLLER_NAME = 'sandboxcapacity';

type PerResource = 'namespace' | 'name';

export interface OperatorMetrics {
  registry: Registry;
  desiredReplicas: Gauge<PerResource>;
  liveReplicas: Gauge<PerResource>;
  readyReplicas: Gauge<PerResource>;
  inFlightReplicas: Gauge<PerResource>;
  stalled: Gauge<PerResource>;
  /** status.unjoined: delivered instances not joined after the grace period (they keep counting). */
  unjoinedInstances: Gauge<PerResource>;
  /** status.consecutiveFailures: failed calls or tasks in a row, 0 after a success. */
  consecutiveFailures: Gauge<PerResource>;
  /** status.nextRetryTime as Unix seconds; 0 while no retry is scheduled. */
  nextRetryTimestamp: Gauge<PerResource>;
  /** Per node: seconds from the ScaleOutCluster request that asked for it to the node being Ready. */
  nodeReadyDuration: Histogram<PerResource>;
  /** ScaleOutCluster calls per resource, by result (accepted|refused|unknown) and reason (none, unknownOutcome, or the kind of refusal). */
  scaleOutRequests: Counter<PerResource | 'result' | 'reason'>;
  nodesRequested: Counter<PerResource | 'result' | 'reason'>;
  cloudApiDuration: Histogram<'action' | 'code'>;
  /** Scale-in: Nodes whose instances ACK removed (or had removed already) after a drain. */
  nodesRemoved: Counter<PerResource>;
  /** Scale-in: seconds from the cordon to the drain's end, by result (drained, givenUp). */
  drainDuration: Histogram<PerResource | 'result'>;
  reconcileErrors: Counter<'kind'>;
  informerRestarts: Counter<'resource'>;
  /** Always 1; the labels say what runs. */
  buildInfo: Gauge<'version' | 'node_version'>;
  /** workqueue_* for a WorkQueue: `new WorkQueue({ metrics: m.workQueues.forQueue(CONTROLLER_NAME) })`. */
  workQueues: WorkQueueMetricsProvider;
  /** controller_runtime_reconcile_* for runWorkers: `{ metrics: m.reconciles.forController(CONTROLLER_NAME) }`. */
  reconciles: ReconcileMetricsProvider;
  /** leader_election_master_status for a LeaderElector's `metrics` option. */
  leaderElection: LeaderElectionMetrics;
}

/**
 * Every (result, reason) a ScaleOutCluster call can end in: accepted/none, unknown/unknownOutcome, or
 * refused with the kind of refusal (a closed set: the cloud error kinds, never ACK's free-form codes).
 */
export const SCALE_OUT_OUTCOMES: readonly { result: string; reason: string }[] = [
  { result: 'accepted', reason: 'none' },
  { result: 'unknown', reason: 'unknownOutcome' },
  ...['throttled', 'transient', 'capacity', 'quota', 'invalidRequest', 'permission', 'auth', 'notFound', 'clusterBusy'].map((reason) => ({ result: 'refused', reason })),
];
const RECONCILE_ERROR_KINDS = ['conflict', 'kubernetes', 'cloud', 'internal'] as const;

// Bare-metal instances take minutes to boot and join: from 30 s (a fast re-join) to an hour.
const NODE_READY_BUCKETS = [30, 60, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 2700, 3600];

function resourceMetrics(registry: Registry): Pick<OperatorMetrics, 'desiredReplicas' | 'liveReplicas' | 'readyReplicas' | 'inFlightReplicas' | 'stalled' | 'unjoinedInstances' | 'consecutiveFailures' | 'nextRetryTimestamp' | 'nodeReadyDuration'> {
  const perResource = (name: string, help: string): Gauge<PerResource> =>
    new Gauge({ name: PREFIX + name, help, labelNames: ['namespace', 'name'], registers: [registry] });
  return {
    desiredReplicas: perResource('desired_replicas', 'spec.replicas of each SandboxCapacity'),
    liveReplicas: perResource('live_replicas', 'Matching Nodes that exist and are not being deleted'),
    readyReplicas: perResource('ready_replicas', 'Matching Nodes with Ready=True'),
    inFlightReplicas: perResource('in_flight_replicas', 'Nodes requested from ACK that have not joined yet'),
    stalled: perResource('stalled', '1 while the resource has Stalled=True (needs a human), else 0'),
    unjoinedInstances: perResource('unjoined_instances', 'Instances delivered but not a matching Node after limits.joinGracePeriod: paid for, not serving, still counted'),
    consecutiveFailures: perResource('consecutive_failures', 'status.consecutiveFailures: scale-out calls or tasks that failed in a row (0 after a success)'),
    nextRetryTimestamp: perResource('next_retry_timestamp_seconds', 'status.nextRetryTime as Unix seconds: when a backing-off resource tries again (0 when none is scheduled)'),
    nodeReadyDuration: new Histogram({
      name: PREFIX + 'node_ready_duration_seconds', help: 'Seconds from the ScaleOutCluster request to each node it asked for being Ready',
      labelNames: ['namespace', 'name'], buckets: NODE_READY_BUCKETS, registers: [registry],
    }),
  };
}


export function createMetrics(opts: { defaultMetrics?: boolean } = {}): OperatorMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const m: OperatorMetrics = {
    registry,
    ...resourceMetrics(registry),
    scaleOutRequests: new Counter({
      name: PREFIX + 'scale_out_requests_total', help: 'ScaleOutCluster calls per resource by result and reason (none, unknownOutcome, or the kind of refusal)',
      labelNames: ['namespace', 'name', 'result', 'reason'], registers: [registry],
    }),
    nodesRequested: new Counter({
      name: PREFIX + 'nodes_requested_total', help: 'Nodes asked for in ScaleOutCluster calls per resource, by result and reason',
      labelNames: ['namespace', 'name', 'result', 'reason'], registers: [registry],
    }),
    cloudApiDuration: new Histogram({
      name: PREFIX + 'cloud_api_duration_seconds', help: 'ACK OpenAPI call latency by action and result code',
      labelNames: ['action', 'code'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
    }),
    nodesRemoved: new Counter({
      name: PREFIX + 'nodes_removed_total', help: 'Scale-in: surplus Nodes drained and removed (their instances released) per resource',
      labelNames: ['namespace', 'name'], registers: [registry],
    }),
    drainDuration: new Histogram({
      name: PREFIX + 'drain_duration_seconds', help: 'Scale-in: seconds from cordoning a surplus Node to its drain ending, by result (drained, givenUp)',
      labelNames: ['namespace', 'name', 'result'], buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600], registers: [registry],
    }),
    reconcileErrors: new Counter({ name: PREFIX + 'reconcile_errors_total', help: 'Reconciles that ended in an error, by kind', labelNames: ['kind'], registers: [registry] }),
    informerRestarts: new Counter({ name: PREFIX + 'informer_restarts_total', help: 'Watch restarts after errors, by resource', labelNames: ['resource'], registers: [registry] }),
    buildInfo: new Gauge({ name: PREFIX + 'build_info', help: 'Always 1; version is the operator\'s, node_version the Node.js runtime\'s', labelNames: ['version', 'node_version'], registers: [registry] }),
    workQueues: createWorkQueueMetrics(registry),
    reconciles: createReconcileMetrics(registry),
    leaderElection: createLeaderElectionMetrics(registry),
  };
  m.buildInfo.set({ version: BUILD_INFO.version, node_version: BUILD_INFO.nodeVersion }, 1);
  for (const kind of RECONCILE_ERROR_KINDS) m.reconcileErrors.labels(kind).inc(0);
  for (const resource of ['nodes', 'sandboxcapacities']) m.informerRestarts.labels(resource).inc(0);
  return m;
}

/** Drops every per-resource series of a deleted SandboxCapacity. */
export function forgetResource(m: OperatorMetrics, namespace: string, name: string): void {
  for (const g of [m.desiredReplicas, m.liveReplicas, m.readyReplicas, m.inFlightReplicas, m.stalled, m.unjoinedInstances, m.consecutiveFailures, m.nextRetryTimestamp]) {
    g.remove({ namespace, name });
  }
  m.nodeReadyDuration.remove({ namespace, name });
  m.nodesRemoved.remove({ namespace, name });
  for (const result of ['drained', 'givenUp']) m.drainDuration.remove({ namespace, name, result });
  for (const pair of SCALE_OUT_OUTCOMES) {
    m.scaleOutRequests.remove({ namespace, name, ...pair });
    m.nodesRequested.remove({ namespace, name, ...pair });
  }
}
