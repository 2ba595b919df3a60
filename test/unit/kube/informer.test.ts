import { expect } from 'chai';
import { FakeClock } from '../../../src/kube/fake-clock.js';
import { Informer } from '../../../src/kube/informer.js';
import type { CachedObject } from '../../../src/kube/informer-store.js';
import type { RawObject } from '../../../src/kube/list-watch-transport.js';
import { FakeTransport, httpError, obj } from './fake-transport.js';
import { captureLogger, flush } from './helpers.js';

interface Recorded {
  event: string;
  key: string;
  rv?: string;
  oldRv?: string;
}

describe('Informer (list+watch cache that keeps itself alive)', () => {
  let clock: FakeClock;
  let transport: FakeTransport;
  let informer: Informer<RawObject & CachedObject>;
  let events: Recorded[];

  function create(options: { transform?: (o: RawObject) => RawObject; watchdogMs?: number; pageSize?: number; random?: () => number } = {}): void {
    informer = new Informer({
      name: 'things',
      transport,
      path: '/api/v1/things',
      labelSelector: 'app=x',
      logger: captureLogger().logger,
      clock,
      backoff: { initialMs: 500, maxMs: 4_000 },
      watchdogMs: options.watchdogMs ?? 60_000,
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      ...(options.transform ? { transform: options.transform } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    informer.addHandlers({
      add: (o) => events.push({ event: 'add', key: o.metadata!.name!, rv: o.metadata!.resourceVersion! }),
      update: (a, b) => events.push({ event: 'update', key: b.metadata!.name!, oldRv: a.metadata!.resourceVersion!, rv: b.metadata!.resourceVersion! }),
      delete: (o) => events.push({ event: 'delete', key: o.metadata!.name! }),
    });
  }

  beforeEach(() => {
    clock = new FakeClock();
    transport = new FakeTransport();
    events = [];
  });

  afterEach(async () => { await informer.stop(); });

  it('loads all pages of the first list, reports synced, then watches from the list resourceVersion with bookmarks', async () => {
    transport.queueList({ items: [obj('a', '1'), obj('b', '2')], resourceVersion: '10', continueToken: 'next' });
    transport.queueList({ items: [obj('c', '3', {}, 'ns1')], resourceVersion: '10' });
    create({ pageSize: 2 });
    expect(informer.hasSynced()).to.equal(false);
    informer.start();
    await informer.synced;
    await flush();
    expect(informer.hasSynced()).to.equal(true);
    expect(transport.listCalls).to.deep.equal([
      { labelSelector: 'app=x', limit: 2, continue: undefined },
      { labelSelector: 'app=x', limit: 2, continue: 'next' },
    ]);
    expect(informer.list().map((o) => o.metadata?.name).sort()).to.deep.equal(['a', 'b', 'c']);
    expect(informer.get('ns1/c')?.metadata?.resourceVersion).to.equal('3');
    expect(informer.get('c')).to.equal(undefined);
    expect(events.map((e) => `${e.event}:${e.key}`)).to.deep.equal(['add:a', 'add:b', 'add:c']);
    const { query } = transport.lastWatch();
    expect(query).to.include({ resourceVersion: '10', allowWatchBookmarks: true, labelSelector: 'app=x' });
  });

  it('asks the server to end each watch after 5–10 minutes, spread by the injected random source', async () => {
    const draws = [0, 0.5, 0.999_999_9];
    transport.queueList({ items: [], resourceVersion: '10' });
    create({ random: () => draws.shift() ?? 0 });
    informer.start();
    await informer.synced;
    await flush();
    const timeouts = [transport.lastWatch().query.timeoutSeconds];
    for (let i = 0; i < 2; i++) {
      clock.advance(1_000);
      transport.lastWatch().end();
      await flush();
      timeouts.push(transport.lastWatch().query.timeoutSeconds);
    }
    expect(timeouts).to.deep.equal([300, 450, 599]);
  });

  it('applies watch events to the cache and tells handlers (update carries old and new, same version is no update)', async () => {
    transport.queueList({ items: [obj('a', '1')], resourceVersion: '10' });
    create();
    informer.start();
    await informer.synced;
    await flush();
    const watch = transport.lastWatch();
    watch.send({ type: 'ADDED', object: obj('b', '11') });
    watch.send({ type: 'MODIFIED', object: obj('a', '12') });
    watch.send({ type: 'MODIFIED', object: obj('a', '12') });
    watch.send({ type: 'DELETED', object: obj('b', '13') });
    expect(events.slice(1)).to.deep.equal([
      { event: 'add', key: 'b', rv: '11' },
      { event: 'update', key: 'a', oldRv: '1', rv: '12' },
      { event: 'delete', key: 'b' },
    ]);
    expect(informer.list().map((o) => o.metadata?.name)).to.deep.equal(['a']);
  });

  it('re-watches from the newest resourceVersion (bookmarks included) after a normal close, without counting a restart', async () => {
    transport.queueList({ items: [], resourceVersion: '10' });
    create();
    informer.start();
    await informer.synced;
    await flush();
    transport.lastWatch().send({ type: 'ADDED', object: obj('a', '11') });
    transport.lastWatch().send({ type: 'BOOKMARK', object: { kind: 'Thing', metadata: { resourceVersion: '15' } } });
    clock.advance(30_000);
    transport.lastWatch().end(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
    await flush();
    expect(transport.watches).to.have.length(2);
    expect(transport.lastWatch().query.resourceVersion).to.equal('15');
    expect(transport.listCalls).to.have.length(1);
    expect(informer.restarts).to.equal(0);
  });

  it('relists on 410 Gone (ERROR event) and reports objects that vanished meanwhile as deleted', async () => {
    transport.queueList({ items: [obj('a', '1'), obj('b', '2')], resourceVersion: '10' });
    create();
    informer.start();
    await informer.synced;
    await flush();
    transport.queueList({ items: [obj('a', '1'), obj('c', '20')], resourceVersion: '30' });
    transport.lastWatch().send({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old resource version' } });
    await flush();
    expect(transport.listCalls).to.have.length(2);
    expect(events.slice(2).map((e) => `${e.event}:${e.key}`)).to.deep.equal(['delete:b', 'add:c']);
    expect(transport.lastWatch().query.resourceVersion).to.equal('30');
    expect(informer.restarts).to.equal(1);
    expect(transport.watches[0]!.aborted).to.equal(true);
  });

  it('relists when the watch request itself is refused with 410', async () => {
    transport.queueList({ items: [], resourceVersion: '10' });
    create();
    informer.start();
    await informer.synced;
    await flush();
    transport.queueList({ items: [], resourceVersion: '40' });
    transport.lastWatch().end(httpError(410));
    await flush();
    expect(transport.listCalls).to.have.length(2);
    expect(transport.lastWatch().query.resourceVersion).to.equal('40');
  });

  it('restarts after a watch error with growing backoff, from the same resourceVersion, and counts restarts', async () => {
    transport.queueList({ items: [], resourceVersion: '10' });
    create();
    informer.start();
    await informer.synced;
    await flush();
    transport.lastWatch().end(httpError(500));
    await flush();
    expect(transport.watches).to.have.length(1);
    clock.advance(499);
    await flush();
    expect(transport.watches).to.have.length(1);
    clock.advance(1);
    await flush();
    expect(transport.watches).to.have.length(2);
    expect(transport.lastWatch().query.resourceVersion).to.equal('10');

    transport.lastWatch().end(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    await flush();
    clock.advance(999);
    await flush();
    expect(transport.watches).to.have.length(2);
    clock.advance(1);
    await flush();
    expect(transport.watches).to.have.length(3);
    expect(informer.restarts).to.equal(2);
    expect(transport.listCalls).to.have.length(1);
  });

  it('keeps retrying a failing first list with backoff and reports synced only once it succeeds', async () => {
    transport.queueList(httpError(503));
    transport.queueList(httpError(503));
    transport.queueList({ items: [obj('a', '1')], resourceVersion: '5' });
    create();
    informer.start();
    await flush();
    expect(informer.hasSynced()).to.equal(false);
    clock.advance(500);
    await flush();
    expect(transport.listCalls).to.have.length(2);
    expect(informer.hasSynced()).to.equal(false);
    clock.advance(1000);
    await flush();
    expect(informer.hasSynced()).to.equal(true);
    expect(informer.list()).to.have.length(1);
  });

  it('restarts a watch that stays silent for the watchdog period', async () => {
    transport.queueList({ items: [], resourceVersion: '10' });
    create({ watchdogMs: 60_000 });
    informer.start();
    await informer.synced;
    await flush();
    clock.advance(59_000);
    transport.lastWatch().send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '12' } } });
    clock.advance(59_000);
    await flush();
    expect(transport.watches).to.have.length(1);
    clock.advance(1_000);
    await flush();
    expect(transport.watches[0]!.aborted).to.equal(true);
    expect(transport.watches).to.have.length(2);
    expect(transport.lastWatch().query.resourceVersion).to.equal('12');
    expect(informer.restarts).to.equal(1);
  });

  it('backs off when watches end at once without delivering anything (no hot loop)', async () => {
    transport.queueList({ items: [], resourceVersion: '10' });
    create();
    informer.start();
    await informer.synced;
    await flush();
    transport.lastWatch().end();
    await flush();
    expect(transport.watches).to.have.length(1);
    clock.advance(500);
    await flush();
    expect(transport.watches).to.have.length(2);
  });

  it('caches transformed objects and leaves out objects the transform rejects', async () => {
    transport.queueList({ items: [obj('a', '1', { big: 'x'.repeat(1000) }), obj('bad', '2')], resourceVersion: '10' });
    create({
      transform: (o) => {
        if (o.metadata?.name === 'bad') throw new Error('cannot trim');
        return { metadata: { name: o.metadata?.name, resourceVersion: o.metadata?.resourceVersion } };
      },
    });
    informer.start();
    await informer.synced;
    await flush();
    transport.lastWatch().send({ type: 'ADDED', object: obj('b', '11', { big: 'y' }) });
    expect(informer.list()).to.deep.equal([
      { metadata: { name: 'a', resourceVersion: '1' } },
      { metadata: { name: 'b', resourceVersion: '11' } },
    ]);
  });

  it('keeps working when a handler throws', async () => {
    transport.queueList({ items: [], resourceVersion: '10' });
    create();
    informer.addHandlers({ add: () => { throw new Error('handler bug'); } });
    informer.start();
    await informer.synced;
    await flush();
    transport.lastWatch().send({ type: 'ADDED', object: obj('a', '11') });
    transport.lastWatch().send({ type: 'ADDED', object: obj('b', '12') });
    expect(informer.list()).to.have.length(2);
    expect(events.map((e) => e.key)).to.deep.equal(['a', 'b']);
  });

  it('stop() ends the watch and the loop; nothing is listed or watched afterwards', async () => {
    transport.queueList({ items: [], resourceVersion: '10' });
    create();
    informer.start();
    await informer.synced;
    await flush();
    await informer.stop();
    expect(transport.lastWatch().aborted).to.equal(true);
    clock.advance(600_000);
    await flush();
    expect(transport.watches).to.have.length(1);
    expect(transport.listCalls).to.have.length(1);
  });

  it('stop() during a backoff wait returns promptly', async () => {
    transport.queueList(httpError(500));
    create();
    informer.start();
    await flush();
    await informer.stop();
    expect(transport.listCalls).to.have.length(1);
    expect(informer.hasSynced()).to.equal(false);
  });

  it('an unregistered handler is no longer called', async () => {
    transport.queueList({ items: [], resourceVersion: '10' });
    create();
    const seen: string[] = [];
    const unregister = informer.addHandlers({ add: (o) => seen.push(o.metadata!.name!) });
    informer.start();
    await informer.synced;
    await flush();
    transport.lastWatch().send({ type: 'ADDED', object: obj('a', '11') });
    unregister();
    transport.lastWatch().send({ type: 'ADDED', object: obj('b', '12') });
    expect(seen).to.deep.equal(['a']);
  });
});
