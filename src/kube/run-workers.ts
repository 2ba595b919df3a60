// The worker loop of a controller: take a key, run the handler, translate the outcome into queue
// operations. Success forgets the key's backoff; a thrown error (or a rejected promise) requeues
// it rate-limited and never ends the worker; "requeue after" means waiting on outside progress.
// Each outcome is reported to an optional ReconcileMetrics with controller-runtime's result names.
import type { Logger } from 'winston';
import { systemClock, type Clock } from './clock.js';
import type { WorkQueue } from './work-queue.js';

export interface WorkResult {
  /** Look at the key again after this long (success: its backoff is reset first). */
  requeueAfterMs?: number;
  /** Retry with backoff without treating it as an error (e.g. a write conflict on a stale cache). */
  requeue?: boolean;
}

export type WorkHandler = (key: string) => Promise<WorkResult | undefined>;

/** controller-runtime's reconcile results, in the order it decides them. */
export const RECONCILE_RESULTS = ['success', 'error', 'requeue', 'requeue_after'] as const;
export type ReconcileResult = (typeof RECONCILE_RESULTS)[number];

/** What the worker loop reports; see observability/reconcile-metrics.ts. */
export interface ReconcileMetrics {
  /** How many workers run (controller-runtime's max_concurrent_reconciles). */
  workers(count: number): void;
  /** A worker took a key (+1) or finished it (−1). */
  active(delta: 1 | -1): void;
  /** One handler call ended with this result after this many seconds. */
  reconciled(result: ReconcileResult, seconds: number): void;
}

export interface RunWorkersOptions {
  metrics?: ReconcileMetrics;
  /** Times each handler call; defaults to the system clock. */
  clock?: Clock;
}

interface Loop {
  queue: WorkQueue;
  handler: WorkHandler;
  logger: Logger;
  metrics: ReconcileMetrics | undefined;
  clock: Clock;
}

/**
 * Runs `workers` loops over the queue until it is shut down. The returned promise resolves once
 * every loop has exited, i.e. after the keys being processed at shutdown have finished.
 */
export async function runWorkers(queue: WorkQueue, workers: number, handler: WorkHandler, logger: Logger, options: RunWorkersOptions = {}): Promise<void> {
  options.metrics?.workers(workers);
  const loops = Array.from({ length: workers }, (_, index) => runWorker({
    queue, handler, logger: logger.child({ worker: index }), metrics: options.metrics, clock: options.clock ?? systemClock,
  }));
  await Promise.all(loops);
}

async function runWorker(loop: Loop): Promise<void> {
  for (let key = await loop.queue.get(); key !== undefined; key = await loop.queue.get()) {
    await processKey(loop, key);
  }
}

async function processKey({ queue, handler, logger, metrics, clock }: Loop, key: string): Promise<void> {
  const startedAt = clock.now();
  metrics?.active(1);
  let result: ReconcileResult = 'error';
  try {
    const outcome = await handler(key);
    result = applyResult(queue, key, outcome);
    logger.debug('processing finished', { key, result, durationMs: clock.now() - startedAt, ...(outcome?.requeueAfterMs !== undefined ? { requeueAfterMs: outcome.requeueAfterMs } : {}) });
  } catch (err) {
    queue.addRateLimited(key);
    logger.error('processing failed, will retry with backoff', {
      key,
      requeues: queue.numRequeues(key),
      durationMs: clock.now() - startedAt,
      error: describeError(err),
    });
  } finally {
    queue.done(key);
    metrics?.active(-1);
    metrics?.reconciled(result, Math.max(0, clock.now() - startedAt) / 1000);
  }
}

function applyResult(queue: WorkQueue, key: string, result: WorkResult | undefined): ReconcileResult {
  if (result?.requeue === true) {
    queue.addRateLimited(key);
    return 'requeue';
  }
  queue.forget(key);
  if (result?.requeueAfterMs === undefined) return 'success';
  queue.addAfter(key, result.requeueAfterMs);
  return result.requeueAfterMs > 0 ? 'requeue_after' : 'success';
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}
