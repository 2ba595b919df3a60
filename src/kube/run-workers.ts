// The worker loop of a controller: take a key, run the handler, translate the outcome into queue
// operations. Success forgets the key's backoff; a thrown error (or a rejected promise) requeues
// it rate-limited and never ends the worker; "requeue after" means waiting on outside progress.
import type { Logger } from 'winston';
import type { WorkQueue } from './work-queue.js';

export interface WorkResult {
  /** Look at the key again after this long (success: its backoff is reset first). */
  requeueAfterMs?: number;
  /** Retry with backoff without treating it as an error (e.g. a write conflict on a stale cache). */
  requeue?: boolean;
}

export type WorkHandler = (key: string) => Promise<WorkResult | undefined>;

/**
 * Runs `workers` loops over the queue until it is shut down. The returned promise resolves once
 * every loop has exited, i.e. after the keys being processed at shutdown have finished.
 */
export async function runWorkers(queue: WorkQueue, workers: number, handler: WorkHandler, logger: Logger): Promise<void> {
  const loops = Array.from({ length: workers }, (_, index) => runWorker(queue, handler, logger.child({ worker: index })));
  await Promise.all(loops);
}

async function runWorker(queue: WorkQueue, handler: WorkHandler, logger: Logger): Promise<void> {
  for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
    await processKey(queue, key, handler, logger);
  }
}

async function processKey(queue: WorkQueue, key: string, handler: WorkHandler, logger: Logger): Promise<void> {
  try {
    const result = await handler(key);
    applyResult(queue, key, result);
  } catch (err) {
    queue.addRateLimited(key);
    logger.error('processing failed, will retry with backoff', {
      key,
      requeues: queue.numRequeues(key),
      error: describeError(err),
    });
  } finally {
    queue.done(key);
  }
}

function applyResult(queue: WorkQueue, key: string, result: WorkResult | undefined): void {
  if (result?.requeue === true) {
    queue.addRateLimited(key);
    return;
  }
  queue.forget(key);
  if (result?.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}
