import { expect } from 'chai';
import { FakeClock } from '../../../src/kube/fake-clock.js';
import { ItemExponentialRateLimiter } from '../../../src/kube/rate-limiter.js';
import { runWorkers, type WorkResult } from '../../../src/kube/run-workers.js';
import { WorkQueue } from '../../../src/kube/work-queue.js';
import { captureLogger, flush } from './helpers.js';
import { RecordingReconcileMetrics } from './recording-metrics.js';

describe('runWorkers', () => {
  let clock: FakeClock;
  let queue: WorkQueue;

  beforeEach(() => {
    clock = new FakeClock();
    queue = new WorkQueue({ clock, rateLimiter: new ItemExponentialRateLimiter({ baseDelayMs: 100, maxDelayMs: 10_000 }) });
  });

  afterEach(() => { queue.shutDown(); });

  it('retries a failing key with growing backoff, keeps the worker alive, and forgets the key on success', async () => {
    const { logger, logs } = captureLogger();
    const seen: string[] = [];
    let failuresLeft = 2;
    const handler = (key: string): Promise<WorkResult | undefined> => {
      seen.push(key);
      if (key === 'flaky' && failuresLeft-- > 0) throw new Error('boom');
      return Promise.resolve(undefined);
    };
    const done = runWorkers(queue, 1, handler, logger);
    queue.add('flaky');
    await flush();
    expect(queue.numRequeues('flaky')).to.equal(1);
    queue.add('other');
    await flush();
    expect(seen).to.deep.equal(['flaky', 'other']);

    clock.advance(100);
    await flush();
    expect(seen).to.deep.equal(['flaky', 'other', 'flaky']);
    expect(queue.numRequeues('flaky')).to.equal(2);

    clock.advance(199);
    await flush();
    expect(seen).to.have.length(3);
    clock.advance(1);
    await flush();
    expect(seen).to.have.length(4);
    expect(queue.numRequeues('flaky')).to.equal(0);

    expect(logs.filter((l) => l.level === 'error').map((l) => l.meta.key)).to.deep.equal(['flaky', 'flaky']);
    queue.shutDown();
    await done;
  });

  it('survives handlers that throw synchronously or reject with non-Error values', async () => {
    const { logger, logs } = captureLogger();
    let calls = 0;
    const done = runWorkers(queue, 1, () => {
      calls++;
      if (calls === 1) throw new Error('thrown before any await');
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- handlers may misbehave
      return Promise.reject('a bare string');
    }, logger);
    queue.add('a');
    await flush();
    clock.advance(100);
    await flush();
    clock.advance(200);
    await flush();
    expect(calls).to.equal(3);
    expect(logs.map((l) => l.meta.error)).to.deep.include('a bare string');
    queue.shutDown();
    await done;
  });

  it('looks at a key again after requeueAfterMs, with its backoff reset', async () => {
    const { logger } = captureLogger();
    let calls = 0;
    queue.addRateLimited('a');
    queue.addRateLimited('a');
    const done = runWorkers(queue, 1, () => {
      calls++;
      return Promise.resolve({ requeueAfterMs: 5_000 });
    }, logger);
    clock.advance(100);
    await flush();
    expect(calls).to.equal(1);
    expect(queue.numRequeues('a')).to.equal(0);
    clock.advance(4_999);
    await flush();
    expect(calls).to.equal(1);
    clock.advance(1);
    await flush();
    expect(calls).to.equal(2);
    queue.shutDown();
    await done;
  });

  it('requeue: true retries with backoff without logging an error', async () => {
    const { logger, logs } = captureLogger();
    let calls = 0;
    const done = runWorkers(queue, 1, () => {
      calls++;
      return Promise.resolve(calls === 1 ? { requeue: true } : undefined);
    }, logger);
    queue.add('a');
    await flush();
    expect(queue.numRequeues('a')).to.equal(1);
    clock.advance(100);
    await flush();
    expect(calls).to.equal(2);
    expect(logs.filter((l) => l.level === 'error')).to.have.length(0);
    queue.shutDown();
    await done;
  });

  it('runs different keys in parallel but never the same key twice at once', async () => {
    const { logger } = captureLogger();
    const running = new Set<string>();
    let maxParallel = 0;
    let overlapOfSameKey = false;
    const releases: (() => void)[] = [];
    const done = runWorkers(queue, 3, async (key) => {
      if (running.has(key)) overlapOfSameKey = true;
      running.add(key);
      maxParallel = Math.max(maxParallel, running.size);
      await new Promise<void>((resolve) => releases.push(resolve));
      running.delete(key);
      return undefined;
    }, logger);
    queue.add('a');
    queue.add('b');
    await flush();
    queue.add('a');
    queue.add('a');
    await flush();
    expect(maxParallel).to.equal(2);
    for (const release of releases.splice(0)) release();
    await flush();
    expect(running.has('a')).to.equal(true);
    for (const release of releases.splice(0)) release();
    await flush();
    expect(overlapOfSameKey).to.equal(false);
    expect(running.size).to.equal(0);
    queue.shutDown();
    await done;
  });

  it('resolves after shutdown only once the key being processed has finished', async () => {
    const { logger } = captureLogger();
    let release: () => void = () => undefined;
    let finished = false;
    const done = runWorkers(queue, 2, async () => {
      await new Promise<void>((resolve) => { release = resolve; });
      finished = true;
      return undefined;
    }, logger);
    queue.add('a');
    await flush();
    let exited = false;
    void done.then(() => { exited = true; });
    queue.shutDown();
    await flush();
    expect(exited).to.equal(false);
    release();
    await flush();
    expect(finished).to.equal(true);
    expect(exited).to.equal(true);
  });

  it('reports each outcome under controller-runtime\'s result names, timed by the clock', async () => {
    const { logger } = captureLogger();
    const metrics = new RecordingReconcileMetrics();
    const outcomes: Record<string, () => Promise<WorkResult | undefined>> = {
      ok: () => Promise.resolve(undefined),
      poll: () => Promise.resolve({ requeueAfterMs: 5000 }),
      conflict: () => Promise.resolve({ requeue: true }),
      broken: () => Promise.reject(new Error('boom')),
      slow: async () => { await new Promise<void>((resolve) => { clock.setTimer(resolve, 2500); }); return {}; },
    };
    const done = runWorkers(queue, 3, (key) => (outcomes[key] ?? outcomes.ok!)(), logger, { metrics, clock });
    expect(metrics.workerCount).to.equal(3);
    for (const key of ['ok', 'poll', 'conflict', 'broken']) queue.add(key);
    await flush();
    expect(metrics.results.map((r) => r.result)).to.deep.equal(['success', 'requeue_after', 'requeue', 'error']);
    queue.add('slow');
    await flush();
    expect(metrics.activeNow).to.equal(1);
    clock.advance(2500);
    await flush();
    expect(metrics.results.at(-1)).to.deep.equal({ result: 'success', seconds: 2.5 });
    expect(metrics.activeNow).to.equal(0);
    expect(metrics.maxActive).to.be.at.most(3);
    queue.shutDown();
    await done;
  });

  it('logs each finished key at debug with its result and duration, and a failure at error', async () => {
    const { logger, logs } = captureLogger();
    const done = runWorkers(queue, 1, (key) => (key === 'bad' ? Promise.reject(new Error('boom')) : Promise.resolve({ requeueAfterMs: 1000 })), logger, { clock });
    queue.add('good');
    queue.add('bad');
    await flush();
    expect(logs.map((l) => [l.level, l.message])).to.deep.equal([['debug', 'processing finished'], ['error', 'processing failed, will retry with backoff']]);
    expect(logs[0]?.meta).to.include({ key: 'good', result: 'requeue_after', requeueAfterMs: 1000, durationMs: 0, worker: 0 });
    expect(logs[1]?.meta).to.include({ key: 'bad', requeues: 1 });
    queue.shutDown();
    await done;
  });
});
