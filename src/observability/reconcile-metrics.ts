// Reconcile outcomes under controller-runtime's names (`controller_runtime_` family, label
// `controller`), so the panels and alerts people already run for Go operators work here.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { RECONCILE_RESULTS, type ReconcileMetrics } from '../kube/run-workers.js';

export interface ReconcileMetricsProvider {
  forController(name: string): ReconcileMetrics;
}

// A reconcile of ours is a few ms when nothing changes and seconds when it calls the cloud
// (read timeout 15 s by default, plus the cloud rate limiter's wait): finer below 1 s, up to 60 s.
const RECONCILE_TIME_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30, 45, 60];

export function createReconcileMetrics(registry: Registry): ReconcileMetricsProvider {
  const registers = [registry];
  const total = new Counter({
    name: 'controller_runtime_reconcile_total', help: 'Reconciles by controller and result (success, error, requeue, requeue_after)',
    labelNames: ['controller', 'result'], registers,
  });
  const errors = new Counter({
    name: 'controller_runtime_reconcile_errors_total', help: 'Reconciles that ended in an error, by controller',
    labelNames: ['controller'], registers,
  });
  const time = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds', help: 'Seconds one reconcile takes, by controller',
    labelNames: ['controller'], buckets: RECONCILE_TIME_BUCKETS, registers,
  });
  const maxConcurrent = new Gauge({
    name: 'controller_runtime_max_concurrent_reconciles', help: 'Workers, i.e. how many reconciles may run at once, by controller',
    labelNames: ['controller'], registers,
  });
  const active = new Gauge({
    name: 'controller_runtime_active_workers', help: 'Workers reconciling right now, by controller',
    labelNames: ['controller'], registers,
  });
  return {
    forController(controller) {
      for (const result of RECONCILE_RESULTS) total.inc({ controller, result }, 0);
      errors.inc({ controller }, 0);
      active.set({ controller }, 0);
      return {
        workers: (count) => { maxConcurrent.set({ controller }, count); },
        active: (delta) => { active.inc({ controller }, delta); },
        reconciled: (result, seconds) => {
          total.inc({ controller, result });
          if (result === 'error') errors.inc({ controller });
          time.observe({ controller }, seconds);
        },
      };
    },
  };
}
