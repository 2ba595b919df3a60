// In-memory WorkQueueMetrics / ReconcileMetrics / LeaderElectionMetrics: what the queue, the
// workers and the elector reported, for assertions without a Prometheus registry.
import type { LeaderElectionMetrics } from '../../../src/kube/leader-lease.js';
import type { ReconcileMetrics, ReconcileResult } from '../../../src/kube/run-workers.js';
import type { InProgressWork, WorkQueueMetrics } from '../../../src/kube/work-queue.js';

export class RecordingQueueMetrics implements WorkQueueMetrics {
  adds = 0;
  retries = 0;
  depths: number[] = [];
  queuedSeconds: number[] = [];
  workedSeconds: number[] = [];
  private read: (() => InProgressWork) | undefined;

  added(): void { this.adds++; }
  depth(keys: number): void { this.depths.push(keys); }
  retried(): void { this.retries++; }
  queued(seconds: number): void { this.queuedSeconds.push(seconds); }
  worked(seconds: number): void { this.workedSeconds.push(seconds); }
  watchInProgress(read: () => InProgressWork): void { this.read = read; }

  lastDepth(): number | undefined { return this.depths.at(-1); }
  inProgress(): InProgressWork | undefined { return this.read?.(); }
}

export class RecordingReconcileMetrics implements ReconcileMetrics {
  workerCount: number | undefined;
  activeNow = 0;
  maxActive = 0;
  results: { result: ReconcileResult; seconds: number }[] = [];

  workers(count: number): void { this.workerCount = count; }
  active(delta: 1 | -1): void {
    this.activeNow += delta;
    this.maxActive = Math.max(this.maxActive, this.activeNow);
  }
  reconciled(result: ReconcileResult, seconds: number): void { this.results.push({ result, seconds }); }
}

export class RecordingLeaderMetrics implements LeaderElectionMetrics {
  readonly states: { name: string; leading: boolean }[] = [];
  leading(name: string, isLeader: boolean): void { this.states.push({ name, leading: isLeader }); }
}
