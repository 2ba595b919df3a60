// The work queue's metrics under client-go's names and meanings (the `workqueue_` family that
// controller-runtime exports too), so dashboards and alerts written for any Kubernetes controller
// work on this one. Labels: `name` is the queue's name and `controller` the same value, as in
// controller-runtime since v0.19; neither prefix nor label set is ours to change.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { InProgressWork, WorkQueueMetrics } from '../kube/work-queue.js';

export interface WorkQueueMetricsProvider {
  /** The metrics of the queue called `name`; a later queue of the same name takes the series over. */
  forQueue(name: string): WorkQueueMetrics;
}

type Labels = 'name' | 'controller';

// Powers of ten like client-go's (which starts at 10 ns); ours start at 1 ms, the resolution of
// the clock the queue reads. Reconciles that call the cloud take seconds; 1000 s is stuck.
const DURATION_BUCKETS = [0.001, 0.01, 0.1, 1, 10, 100, 1000];

export function createWorkQueueMetrics(registry: Registry): WorkQueueMetricsProvider {
  const inProgress = new Map<string, () => InProgressWork>();
  const registers = [registry];
  const labelNames: Labels[] = ['name', 'controller'];
  const depth = new Gauge({ name: 'workqueue_depth', help: 'Keys waiting in the work queue to be processed', labelNames, registers });
  const adds = new Counter({ name: 'workqueue_adds_total', help: 'Keys added to the work queue (an add of a key already waiting is not counted)', labelNames, registers });
  const retries = new Counter({ name: 'workqueue_retries_total', help: 'Delayed and rate-limited adds to the work queue', labelNames, registers });
  const queueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds', help: 'Seconds a key waits in the work queue before a worker takes it',
    labelNames, buckets: DURATION_BUCKETS, registers,
  });
  const workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds', help: 'Seconds a worker spends processing one key',
    labelNames, buckets: DURATION_BUCKETS, registers,
  });
  const readInProgress = (pick: (work: InProgressWork) => number) => function (this: Gauge<Labels>): void {
    for (const [name, read] of inProgress) this.set({ name, controller: name }, pick(read()));
  };
  new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: 'Seconds spent so far on keys still being processed (not yet in work_duration); a steady climb means stuck workers',
    labelNames, registers, collect: readInProgress((w) => w.unfinishedSeconds),
  });
  new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'Seconds the longest-running worker has been on its current key',
    labelNames, registers, collect: readInProgress((w) => w.longestSeconds),
  });
  return {
    forQueue(name) {
      const labels = { name, controller: name };
      depth.set(labels, 0);
      adds.inc(labels, 0);
      retries.inc(labels, 0);
      return {
        added: () => { adds.inc(labels); },
        depth: (keys) => { depth.set(labels, keys); },
        retried: () => { retries.inc(labels); },
        queued: (seconds) => { queueDuration.observe(labels, seconds); },
        worked: (seconds) => { workDuration.observe(labels, seconds); },
        watchInProgress: (read) => { inProgress.set(name, read); },
      };
    },
  };
}
