// A list+watch cache that keeps itself alive. client-node's informer stops for good on any error
// other than 410 Gone; this one restarts after errors with exponential backoff, relists when its
// resourceVersion expired (410), restarts a watch that went silent (watchdog; bookmarks are
// requested so a healthy quiet watch still shows signs of life), and counts restarts for metrics.
// Objects pass through `transform` before they are cached, so large objects (Nodes) can be
// trimmed to the fields the controller reads. Cached objects are shared: never mutate them.
import type { Logger } from 'winston';
import { describeApiError, isExpired } from './api-errors.js';
import { sleep, systemClock, type Clock, type TimerHandle } from './clock.js';
import { InformerStore, objectKey, type CachedObject, type InformerHandlers } from './informer-store.js';
import type { StoreIndex } from './label-index.js';
import type { ListWatchTransport, RawObject, WatchEvent, WatchHandle } from './list-watch-transport.js';

export interface InformerOptions<T extends CachedObject> {
  /** For logs and metrics, e.g. "nodes". */
  name: string;
  transport: ListWatchTransport;
  /** Collection path, e.g. /api/v1/nodes. */
  path: string;
  labelSelector?: string;
  transform?: (obj: RawObject) => T;
  logger: Logger;
  clock?: Clock;
  /** Delay after the n-th consecutive failure: initialMs · 2^(n−1), at most maxMs. */
  backoff?: { initialMs: number; maxMs: number };
  /** Restart the watch when nothing (event or bookmark) arrived for this long. */
  watchdogMs?: number;
  /** Items per list page: bounds the memory a relist of a large collection needs at once. */
  pageSize?: number;
  /** In [0, 1): spreads watch timeouts (the controller core's convention; tests pass a fixed one). */
  random?: () => number;
  /** Kept up to date with the cache, before handlers are told of a change (label-index.ts). */
  index?: StoreIndex<T>;
}

type WatchOutcome =
  | { kind: 'closed'; sawEvents: boolean; durationMs: number }
  | { kind: 'expired' }
  | { kind: 'watchdog' }
  | { kind: 'stopped' }
  | { kind: 'error'; error: unknown };

const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30_000 };
const DEFAULT_WATCHDOG_MS = 5 * 60_000;
const DEFAULT_PAGE_SIZE = 500;
/** A watch that ends this quickly without delivering anything is treated as a failure. */
const MIN_HEALTHY_WATCH_MS = 1_000;

export class Informer<T extends CachedObject> {
  /** Resolves once the first list has been loaded into the cache; stays pending if stopped before. */
  readonly synced: Promise<void>;
  private markSynced: () => void = () => undefined;
  private isSynced = false;
  private readonly store: InformerStore<T>;
  private readonly handlers: InformerHandlers<T>[] = [];
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly transform: (obj: RawObject) => T;
  private readonly random: () => number;
  private resourceVersion: string | undefined;
  private failures = 0;
  private restartCount = 0;
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly stopSignal = new AbortController();
  private stopCurrentWatch: (() => void) | undefined;

  constructor(private readonly options: InformerOptions<T>) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ informer: options.name });
    this.transform = options.transform ?? ((obj) => obj as unknown as T);
    this.random = options.random ?? Math.random;
    this.synced = new Promise((resolve) => { this.markSynced = resolve; });
    this.store = new InformerStore<T>({
      add: (obj) => { this.dispatch('add', (h) => h.add?.(obj)); },
      update: (oldObj, newObj) => { this.dispatch('update', (h) => h.update?.(oldObj, newObj)); },
      delete: (obj) => { this.dispatch('delete', (h) => h.delete?.(obj)); },
    }, options.index);
  }

  /** Registers callbacks (meant only to enqueue keys); returns a function that unregisters them. */
  addHandlers(handlers: InformerHandlers<T>): () => void {
    this.handlers.push(handlers);
    return () => {
      const index = this.handlers.indexOf(handlers);
      if (index >= 0) this.handlers.splice(index, 1);
    };
  }

  start(): void {
    if (this.running || this.stopped) return;
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopSignal.abort();
    this.stopCurrentWatch?.();
    await this.running;
  }

  hasSynced(): boolean {
    return this.isSynced;
  }

  /** Cached objects (shared; do not mutate). */
  list(): T[] {
    return this.store.list();
  }

  /** By key: "namespace/name", or "name" for cluster-scoped objects. */
  get(key: string): T | undefined {
    return this.store.get(key);
  }

  /** Watch restarts after errors, expired resourceVersions and watchdog timeouts (a metric). */
  get restarts(): number {
    return this.restartCount;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const outcome = await this.listAndWatch();
      await this.afterWatch(outcome);
    }
  }

  private async listAndWatch(): Promise<WatchOutcome> {
    if (this.resourceVersion === undefined) {
      try {
        await this.relist();
      } catch (error) {
        return isExpired(error) ? { kind: 'expired' } : { kind: 'error', error };
      }
    }
    if (this.stopped) return { kind: 'stopped' };
    return this.watchOnce(this.resourceVersion ?? '');
  }

  private async afterWatch(outcome: WatchOutcome): Promise<void> {
    switch (outcome.kind) {
      case 'stopped':
        return;
      case 'closed':
        if (outcome.sawEvents || outcome.durationMs >= MIN_HEALTHY_WATCH_MS) {
          this.failures = 0;
          return;
        }
        await this.backOff('watch closed at once without any event');
        return;
      case 'expired':
        // The server compacted past our resourceVersion: only a fresh list is consistent again.
        this.resourceVersion = undefined;
        this.restartCount++;
        this.logger.info('resourceVersion expired (410), relisting');
        if (++this.failures > 1) await this.backOff('resourceVersion expired again', false);
        return;
      case 'watchdog':
        this.restartCount++;
        this.logger.warn('no watch event or bookmark within the watchdog period, restarting the watch', {
          watchdogMs: this.watchdogMs(),
        });
        return;
      case 'error':
        await this.backOff(describeApiError(outcome.error));
        return;
    }
  }

  private async backOff(reason: string, countFailure = true): Promise<void> {
    if (countFailure) this.failures++;
    this.restartCount++;
    const { initialMs, maxMs } = this.options.backoff ?? DEFAULT_BACKOFF;
    const delayMs = Math.min(maxMs, initialMs * 2 ** Math.min(this.failures - 1, 30));
    this.logger.warn('list/watch failed, retrying', { reason, retryInMs: delayMs, consecutiveFailures: this.failures });
    await sleep(this.clock, delayMs, this.stopSignal.signal);
  }

  private async relist(): Promise<void> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion: string;
    do {
      const page = await this.options.transport.list(this.options.path, {
        labelSelector: this.options.labelSelector,
        limit: this.options.pageSize ?? DEFAULT_PAGE_SIZE,
        continue: continueToken,
      }, (raw) => this.safeTransform(raw));
      items.push(...page.items);
      resourceVersion = page.resourceVersion;
      continueToken = page.continueToken;
    } while (continueToken !== undefined && !this.stopped);
    if (this.stopped) return;
    this.store.replace(items);
    this.resourceVersion = resourceVersion;
    if (!this.isSynced) {
      this.isSynced = true;
      this.logger.info('cache synced', { objects: items.length });
      this.markSynced();
    }
  }

  private watchOnce(resourceVersion: string): Promise<WatchOutcome> {
    return new Promise((resolve) => {
      const startedAt = this.clock.now();
      let sawEvents = false;
      let handle: WatchHandle | undefined;
      let watchdog: TimerHandle | undefined;
      let settled = false;
      const finish = (outcome: WatchOutcome): void => {
        if (settled) return;
        settled = true;
        watchdog?.cancel();
        this.stopCurrentWatch = undefined;
        handle?.abort();
        resolve(outcome);
      };
      const armWatchdog = (): void => {
        watchdog?.cancel();
        watchdog = this.clock.setTimer(() => { finish({ kind: 'watchdog' }); }, this.watchdogMs());
      };
      const onEvent = (event: WatchEvent): void => {
        if (settled) return;
        sawEvents = true;
        armWatchdog();
        const outcome = this.applyEvent(event);
        if (outcome) finish(outcome);
      };
      const onDone = (err?: unknown): void => {
        finish(this.doneOutcome(err, sawEvents, this.clock.now() - startedAt));
      };
      this.stopCurrentWatch = () => { finish({ kind: 'stopped' }); };
      armWatchdog();
      this.options.transport.watch(this.options.path, this.watchQuery(resourceVersion), onEvent, onDone).then(
        (h) => {
          handle = h;
          if (settled) h.abort();
        },
        (error: unknown) => { finish({ kind: 'error', error }); },
      );
    });
  }

  private doneOutcome(err: unknown, sawEvents: boolean, durationMs: number): WatchOutcome {
    if (this.stopped) return { kind: 'stopped' };
    if (err === undefined || isClientTimeout(err)) return { kind: 'closed', sawEvents, durationMs };
    return isExpired(err) ? { kind: 'expired' } : { kind: 'error', error: err };
  }

  private watchQuery(resourceVersion: string): Record<string, string | number | boolean | undefined> {
    return {
      resourceVersion,
      allowWatchBookmarks: true,
      labelSelector: this.options.labelSelector,
      // The server ends each watch after this long; the informer then re-watches from its version.
      timeoutSeconds: watchTimeoutSeconds(this.random()),
    };
  }

  /** Applies one watch event to the cache; returns an outcome when the event ends the watch. */
  private applyEvent(event: WatchEvent): WatchOutcome | undefined {
    if (event.type === 'ERROR') {
      const status = event.object;
      if (status.code === 410) return { kind: 'expired' };
      return { kind: 'error', error: Object.assign(new Error(status.message ?? 'watch error'), { statusCode: status.code }) };
    }
    this.failures = 0;
    const version = event.object.metadata?.resourceVersion;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') {
      const obj = this.safeTransform(event.object);
      if (obj) this.store.upsert(obj);
    } else if (event.type === 'DELETED') {
      this.store.remove(event.object as unknown as T);
    }
    if (version) this.resourceVersion = version;
    return undefined;
  }

  private safeTransform(raw: RawObject): T | undefined {
    try {
      return this.transform(raw);
    } catch (err) {
      this.logger.error('cannot transform object, leaving it out of the cache', { key: objectKey(raw), error: String(err) });
      return undefined;
    }
  }

  private dispatch(kind: string, call: (handlers: InformerHandlers<T>) => void): void {
    for (const handlers of this.handlers) {
      try {
        call(handlers);
      } catch (err) {
        this.logger.error('informer handler threw', { event: kind, error: String(err) });
      }
    }
  }

  private watchdogMs(): number {
    return this.options.watchdogMs ?? DEFAULT_WATCHDOG_MS;
  }
}

/** Like client-go: 5–10 minutes, so the informers of many replicas do not reconnect in step. */
function watchTimeoutSeconds(random: number): number {
  const unit = Number.isFinite(random) ? Math.min(Math.max(random, 0), 0.999_999) : 0;
  return Math.floor(300 + unit * 300);
}

/** client-node's Watch aborts a stream that was silent for 30 s: a normal end, not a failure. */
function isClientTimeout(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'TimeoutError';
}
