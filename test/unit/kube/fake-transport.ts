import type { ListPage, ListWatchTransport, QueryParams, RawObject, WatchEvent } from '../../../src/kube/list-watch-transport.js';

export interface FakeWatch {
  query: QueryParams;
  aborted: boolean;
  ended: boolean;
  send(event: WatchEvent): void;
  end(err?: unknown): void;
}

/** A scripted API server side of list+watch: list results are queued, watches are driven by the test. */
export class FakeTransport implements ListWatchTransport {
  readonly listCalls: QueryParams[] = [];
  readonly watches: FakeWatch[] = [];
  private readonly listResults: (ListPage | Error)[] = [];

  queueList(result: ListPage | Error): void {
    this.listResults.push(result);
  }

  list<T>(_path: string, query: QueryParams, each: (item: RawObject) => T | undefined): Promise<ListPage<T>> {
    this.listCalls.push(query);
    const next = this.listResults.shift();
    if (!next) return Promise.reject(new Error('no list result scripted'));
    if (next instanceof Error) return Promise.reject(next);
    const items = next.items.map(each).filter((item) => item !== undefined);
    return Promise.resolve({ ...next, items });
  }

  watch(_path: string, query: QueryParams, onEvent: (event: WatchEvent) => void, onDone: (err?: unknown) => void): Promise<{ abort(): void }> {
    const watch: FakeWatch = {
      query,
      aborted: false,
      ended: false,
      send: (event) => { if (!watch.ended) onEvent(event); },
      end: (err) => {
        if (watch.ended) return;
        watch.ended = true;
        onDone(err);
      },
    };
    this.watches.push(watch);
    return Promise.resolve({
      abort: () => {
        watch.aborted = true;
        watch.end(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      },
    });
  }

  lastWatch(): FakeWatch {
    const watch = this.watches.at(-1);
    if (!watch) throw new Error('no watch started');
    return watch;
  }
}

export function obj(name: string, resourceVersion: string, extra: Record<string, unknown> = {}, namespace?: string): RawObject {
  return { apiVersion: 'v1', kind: 'Thing', metadata: { name, resourceVersion, ...(namespace ? { namespace } : {}) }, ...extra };
}

export function httpError(statusCode: number): Error {
  return Object.assign(new Error(`HTTP ${statusCode}`), { statusCode });
}
