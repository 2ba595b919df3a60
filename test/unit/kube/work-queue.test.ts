import { expect } from 'chai';
import { FakeClock } from '../../../src/kube/fake-clock.js';
import { ItemExponentialRateLimiter, MaxOfRateLimiter, TokenBucketRateLimiter } from '../../../src/kube/rate-limiter.js';
import { WorkQueue } from '../../../src/kube/work-queue.js';
import { flush } from './helpers.js';

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
