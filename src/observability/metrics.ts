// Prometheus metrics of the operator, on a registry of its own (no global singleton), so tests
// and several controllers in one process never share counters by accident.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const PREFIX = 'sandbox_capacity_';

export interface OperatorMetrics {
  registry: Registry;
  desiredReplicas: Gauge<'namespace' | 'name'>;
  liveReplicas: Gauge<'namespace' | 'name'>;
  readyReplicas: Gauge<'namespace' | 'name'>;
  inFlightReplicas: Gauge<'namespace' | 'name'>;
  stalled: Gauge<'namespace' | 'name'>;
  scaleOutRequests: Counter<'result'>;
  nodesRequested: Counter<'result'>;
  cloudApiDuration: Histogram<'action' | 'code'>;
  reconcileDuration: Histogram;
  reconcileErrors: Counter<'kind'>;
  queueDepth: Gauge;
  isLeader: Gauge;
  informerRestarts: Counter<'resource'>;
}

/** Outcomes of a ScaleOutCluster call; every one starts at 0 so rate() and alerts work from the first scrape. */
export const SCALE_OUT_RESULTS = ['accepted', 'refused', 'unknown'] as const;
const RECONCILE_ERROR_KINDS = ['conflict', 'kubernetes', 'cloud', 'internal'] as const;

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): OperatorMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: PREFIX + 'process_' });
  const perResource = (name: string, help: string): Gauge<'namespace' | 'name'> =>
    new Gauge({ name: PREFIX + name, help, labelNames: ['namespace', 'name'], registers: [registry] });
  const m: OperatorMetrics = {
    registry,
    desiredReplicas: perResource('desired_replicas', 'spec.replicas of each SandboxCapacity'),
    liveReplicas: perResource('live_replicas', 'Matching Nodes that exist and are not being deleted'),
    readyReplicas: perResource('ready_replicas', 'Matching Nodes with Ready=True'),
    inFlightReplicas: perResource('in_flight_replicas', 'Nodes requested from ACK that have not joined yet'),
    stalled: perResource('stalled', '1 while the resource has Stalled=True (needs a human), else 0'),
    scaleOutRequests: new Counter({ name: PREFIX + 'scale_out_requests_total', help: 'ScaleOutCluster calls by result', labelNames: ['result'], registers: [registry] }),
    nodesRequested: new Counter({ name: PREFIX + 'nodes_requested_total', help: 'Nodes asked for in ScaleOutCluster calls, by result', labelNames: ['result'], registers: [registry] }),
    cloudApiDuration: new Histogram({
      name: PREFIX + 'cloud_api_duration_seconds', help: 'ACK OpenAPI call latency by action and result code',
      labelNames: ['action', 'code'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: PREFIX + 'reconcile_duration_seconds', help: 'Time spent in one reconcile',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers: [registry],
    }),
    reconcileErrors: new Counter({ name: PREFIX + 'reconcile_errors_total', help: 'Reconciles that ended in an error, by kind', labelNames: ['kind'], registers: [registry] }),
    queueDepth: new Gauge({ name: PREFIX + 'workqueue_depth', help: 'Keys waiting in the work queue', registers: [registry] }),
    isLeader: new Gauge({ name: PREFIX + 'leader', help: '1 while this replica holds the leader lease', registers: [registry] }),
    informerRestarts: new Counter({ name: PREFIX + 'informer_restarts_total', help: 'Watch restarts after errors, by resource', labelNames: ['resource'], registers: [registry] }),
  };
  for (const result of SCALE_OUT_RESULTS) {
    m.scaleOutRequests.labels(result).inc(0);
    m.nodesRequested.labels(result).inc(0);
  }
  for (const kind of RECONCILE_ERROR_KINDS) m.reconcileErrors.labels(kind).inc(0);
  for (const resource of ['nodes', 'sandboxcapacities']) m.informerRestarts.labels(resource).inc(0);
  return m;
}

export function forgetResource(m: OperatorMetrics, namespace: string, name: string): void {
  for (const g of [m.desiredReplicas, m.liveReplicas, m.readyReplicas, m.inFlightReplicas, m.stalled]) {
    g.remove({ namespace, name });
  }
}
