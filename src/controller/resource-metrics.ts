import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { OperatorMetrics } from '../observability/metrics.js';

export function updateResourceMetrics(m: OperatorMetrics, sc: SandboxCapacity): void {
  const labels = { namespace: sc.metadata.namespace, name: sc.metadata.name };
  const s = sc.status ?? {};
  m.desiredReplicas.set(labels, sc.spec.replicas);
  m.liveReplicas.set(labels, s.replicas ?? 0);
  m.readyReplicas.set(labels, s.readyReplicas ?? 0);
  m.inFlightReplicas.set(labels, s.inFlightReplicas ?? 0);
  const stalled = s.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True') ?? false;
  m.stalled.set(labels, stalled ? 1 : 0);
}
