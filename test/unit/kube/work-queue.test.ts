import { expect } from 'chai';
import { FakeClock } from '../../../src/kube/fake-clock.js';
import { ItemExponentialRateLimiter, MaxOfRateLimiter, TokenBucketRateLimiter } from '../../../src/kube/rate-limiter.js';
import { WorkQueue } from '../../../src/kube/work-queue.js';
import { flush } from './helpers.js';
import { RecordingQueueMetrics } from './recording-metrics.js';

/** Resolves with the next key if one is handed out before pending continuations settle, else null. */
async function tryGet(queue: WorkQueue): Promise<string | undefined | null> {
  let result: string | undefined | null = null;
  void queue.get().then((key) => { result = key; });
  await flush();
  return result;
}

describe('WorkQueue', () => {
  let clock: FakeClock;
  let queue: WorkQueue;

  beforeEach(() => {
    clock = new FakeClock();
    queue = new WorkQueue({ clock, rateLimiter: new ItemExponentialRateLimiter({ baseDelayMs: 5, maxDelayMs: 1000 }) });
  });

  afterEach(() => { queue.shutDown(); });

  it('hands out keys in the order they were first added and keeps each key once', async () => {
    queue.add('a');
    queue.add('b');
    queue.add('a');
    queue.add('c');
    expect(queue.length()).to.equal(3);
    expect([await queue.get(), await queue.get(), await queue.get()]).to.deep.equal(['a', 'b', 'c']);
    expect(queue.length()).to.equal(0);
  });

  it('resolves a waiting get() when a key is added later', async () => {
    const pending = queue.get();
    await flush();
    queue.add('late');
    expect(await pending).to.equal('late');
  });

  it('never hands out a key that is being processed; a re-add while processing is handed out once after done()', async () => {
    queue.add('a');
    const first = await queue.get();
    expect(first).to.equal('a');
    queue.add('a');
    queue.add('a');
    expect(queue.length()).to.equal(0);

    let second: string | undefined;
    void queue.get().then((key) => { second = key; });
    await flush();
    expect(second).to.equal(undefined);

    queue.done('a');
    await flush();
    expect(second).to.equal('a');
    queue.done('a');
    expect(await tryGet(queue)).to.equal(null);
  });

  it('does not requeue a key on done() when it was not re-added', async () => {
    queue.add('a');
    queue.done((await queue.get())!);
    expect(queue.length()).to.equal(0);
  });

  it('lets other keys through while one key is processing', async () => {
    queue.add('a');
    await queue.get();
    queue.add('a');
    queue.add('b');
    expect(await queue.get()).to.equal('b');
  });

  it('adds a key only after its delay has passed', async () => {
    queue.addAfter('a', 1000);
    expect(queue.length()).to.equal(0);
    expect(queue.delayedLength()).to.equal(1);
    clock.advance(999);
    expect(queue.length()).to.equal(0);
    clock.advance(1);
    expect(queue.length()).to.equal(1);
    expect(await queue.get()).to.equal('a');
  });

  it('keeps the earliest time when the same key is delayed twice (shorter delay second)', () => {
    queue.addAfter('a', 1000);
    queue.addAfter('a', 100);
    clock.advance(100);
    expect(queue.length()).to.equal(1);
  });

  it('keeps the earliest time when the same key is delayed twice (longer delay second) and adds it only once', async () => {
    queue.addAfter('a', 100);
    queue.addAfter('a', 1000);
    clock.advance(100);
    expect(queue.length()).to.equal(1);
    queue.done((await queue.get())!);
    clock.advance(2000);
    expect(queue.length()).to.equal(0);
    expect(queue.delayedLength()).to.equal(0);
  });

  it('releases several delayed keys in due order', async () => {
    queue.addAfter('late', 300);
    queue.addAfter('early', 100);
    queue.addAfter('middle', 200);
    clock.advance(300);
    expect([await queue.get(), await queue.get(), await queue.get()]).to.deep.equal(['early', 'middle', 'late']);
  });

  it('treats a zero or negative delay as an immediate add', () => {
    queue.addAfter('a', 0);
    queue.addAfter('b', -5);
    expect(queue.length()).to.equal(2);
  });

  /** Advances the clock 1 ms at a time until a key is ready; returns how long that took (bounded). */
  function msUntilReady(limit = 10_000): number {
    let waited = 0;
    while (queue.length() === 0 && waited < limit) {
      clock.advance(1);
      waited++;
    }
    return waited;
  }

  async function process(): Promise<void> {
    const key = await queue.get();
    queue.done(key!);
  }

  it('backs off a failing key exponentially and counts its requeues', async () => {
    const readyAfter: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      queue.addRateLimited('a');
      readyAfter.push(msUntilReady());
      await process();
    }
    expect(readyAfter).to.deep.equal([5, 10, 20, 40]);
    expect(queue.numRequeues('a')).to.equal(4);
  });

  it('forget() resets the backoff of a key to the base delay', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      queue.addRateLimited('a');
      msUntilReady();
      await process();
    }
    expect(queue.numRequeues('a')).to.equal(3);
    queue.forget('a');
    expect(queue.numRequeues('a')).to.equal(0);
    queue.addRateLimited('a');
    expect(msUntilReady()).to.equal(5);
  });

  it('does not back off one key because another key failed', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      queue.addRateLimited('bad');
      msUntilReady();
      await process();
    }
    queue.addRateLimited('bad');
    queue.addRateLimited('good');
    expect(msUntilReady()).to.equal(5);
    expect(await queue.get()).to.equal('good');
    expect(queue.numRequeues('good')).to.equal(1);
  });

  it('after shutDown, waiting and later get() calls resolve with undefined and adds are ignored', async () => {
    const waiting = queue.get();
    queue.addAfter('delayed', 10);
    queue.shutDown();
    expect(await waiting).to.equal(undefined);
    queue.add('a');
    expect(queue.length()).to.equal(0);
    clock.advance(100);
    expect(queue.length()).to.equal(0);
    expect(await queue.get()).to.equal(undefined);
    expect(queue.isShuttingDown()).to.equal(true);
    expect(clock.pendingTimers()).to.equal(0);
  });

  it('stops handing out queued keys once shut down', async () => {
    queue.add('a');
    queue.add('b');
    queue.shutDown();
    expect(await queue.get()).to.equal(undefined);
  });

  it('uses the global token bucket when it is the stricter limit', () => {
    const limited = new WorkQueue({
      clock,
      rateLimiter: new MaxOfRateLimiter(
        new ItemExponentialRateLimiter({ baseDelayMs: 1, maxDelayMs: 1 }),
        new TokenBucketRateLimiter(clock, { qps: 1, burst: 2 }),
      ),
    });
    for (const key of ['a', 'b', 'c', 'd']) limited.addRateLimited(key);
    clock.advance(1);
    expect(limited.length()).to.equal(2);
    clock.advance(999);
    expect(limited.length()).to.equal(3);
    clock.advance(1000);
    expect(limited.length()).to.equal(4);
    limited.shutDown();
  });
});

describe('WorkQueue metrics (client-go semantics, fake clock)', () => {
  let clock: FakeClock;
  let metrics: RecordingQueueMetrics;
  let queue: WorkQueue;

  beforeEach(() => {
    clock = new FakeClock();
    metrics = new RecordingQueueMetrics();
    queue = new WorkQueue({ clock, metrics, rateLimiter: new ItemExponentialRateLimiter({ baseDelayMs: 100, maxDelayMs: 1000 }) });
  });

  afterEach(() => { queue.shutDown(); });

  it('counts an add once per wait, not per add() of a key already waiting, and reports the depth', () => {
    queue.add('a');
    queue.add('a');
    queue.add('b');
    expect(metrics.adds).to.equal(2);
    expect(metrics.lastDepth()).to.equal(2);
  });

  it('counts a key re-added while it is processed in the depth, until a worker takes it again', async () => {
    queue.add('a');
    expect(await queue.get()).to.equal('a');
    expect(metrics.lastDepth()).to.equal(0);
    queue.add('a');
    expect(queue.length()).to.equal(0);
    expect(metrics.lastDepth()).to.equal(1);
    expect(metrics.adds).to.equal(2);
    queue.done('a');
    expect(await queue.get()).to.equal('a');
    expect(metrics.lastDepth()).to.equal(0);
  });

  it('observes how long a key waited for a worker and how long the worker took', async () => {
    queue.add('a');
    clock.advance(1500);
    expect(await queue.get()).to.equal('a');
    expect(metrics.queuedSeconds).to.deep.equal([1.5]);
    clock.advance(250);
    queue.done('a');
    expect(metrics.workedSeconds).to.deep.equal([0.25]);
  });

  it('measures the wait of a key re-added during processing from its re-add, not its first add', async () => {
    queue.add('a');
    await queue.get();
    clock.advance(1000);
    queue.add('a');
    clock.advance(400);
    queue.done('a');
    clock.advance(100);
    await queue.get();
    expect(metrics.queuedSeconds).to.deep.equal([0, 0.5]);
  });

  it('counts every delayed and rate-limited add as a retry, as client-go does', () => {
    queue.addAfter('a', 1000);
    queue.addRateLimited('b');
    queue.addAfter('c', 0);
    expect(metrics.retries).to.equal(3);
    expect(metrics.adds).to.equal(1);
    clock.advance(1000);
    expect(metrics.adds).to.equal(3);
  });

  it('reports the work in progress: the sum of all and the longest, read when metrics are collected', async () => {
    expect(metrics.inProgress()).to.deep.equal({ unfinishedSeconds: 0, longestSeconds: 0 });
    queue.add('a');
    await queue.get();
    clock.advance(3000);
    queue.add('b');
    await queue.get();
    clock.advance(1000);
    expect(metrics.inProgress()).to.deep.equal({ unfinishedSeconds: 5, longestSeconds: 4 });
    queue.done('a');
    expect(metrics.inProgress()).to.deep.equal({ unfinishedSeconds: 1, longestSeconds: 1 });
  });

  it('reports an empty queue once shut down, since waiting keys are never handed out', () => {
    queue.add('a');
    queue.add('b');
    queue.shutDown();
    expect(metrics.lastDepth()).to.equal(0);
  });

  it('records nothing after shutdown', () => {
    queue.shutDown();
    const before = { adds: metrics.adds, retries: metrics.retries };
    queue.add('a');
    queue.addAfter('b', 10);
    expect({ adds: metrics.adds, retries: metrics.retries }).to.deep.equal(before);
  });
});
