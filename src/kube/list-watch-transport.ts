// The two HTTP calls an informer needs, in the server's own JSON: a paged list and a watch stream.
// The typed clients would turn list items into class instances with Date fields while watch
// events stay plain JSON; one raw format for both keeps the informer's transform simple.
// A list page is read as a stream and each item goes through the informer's transform as soon as
// it is complete (list-stream.ts), so a page of raw objects never exists at once.
import { HttpMethod } from '@kubernetes/client-node/dist/gen/http/http.js';
import { Watch } from '@kubernetes/client-node/dist/watch.js';
import { apiException, type ApiRequester, type QueryParams } from './api-request.js';
import type { KubeConfig } from './kube-config.js';
import { ListStreamSplitter } from './list-stream.js';

/** An API object as the server sends it: plain JSON, timestamps are strings. */
export interface RawObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; [field: string]: unknown };
  [field: string]: unknown;
}

export type { QueryParams };

export interface ListPage<T = RawObject> {
  items: T[];
  resourceVersion: string;
  /** Present when more pages follow. */
  continueToken?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  /** The object (for ERROR: a metav1.Status). */
  object: RawObject & { code?: number; message?: string };
}

export interface WatchHandle {
  abort(): void;
}

export interface ListWatchTransport {
  /**
   * One page. Each item, completed with the list's apiVersion and kind, goes through `each` as soon
   * as it has been read; only what `each` returns is kept (undefined: left out).
   */
  list<T>(path: string, query: QueryParams, each: (item: RawObject) => T | undefined): Promise<ListPage<T>>;
  /**
   * Starts a watch; onEvent gets each event, onDone is called exactly once when the stream ends
   * (undefined: closed normally, e.g. by timeout; otherwise the error).
   */
  watch(path: string, query: QueryParams, onEvent: (event: WatchEvent) => void, onDone: (err?: unknown) => void): Promise<WatchHandle>;
}

interface RawList {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
}

/** Reads a list page's items into `each` as they arrive; returns the list without its items. */
async function readListStream<T>(stream: ReadableStream<Uint8Array>, each: (item: RawObject) => T | undefined): Promise<{ list: RawList; items: T[] }> {
  const items: T[] = [];
  // List items come without apiVersion and kind; they get the ones watch events carry: the list's,
  // less "List". The API server writes them before "items"; should they come after, items wait.
  let identity: { apiVersion: string; kind: string } | undefined;
  const waiting: RawObject[] = [];
  const add = (item: RawObject, id: { apiVersion: string; kind: string } | undefined): void => {
    item.apiVersion ??= id?.apiVersion;
    item.kind ??= id?.kind;
    const kept = each(item);
    if (kept !== undefined) items.push(kept);
  };
  const splitter = new ListStreamSplitter(
    (json) => {
      const item = JSON.parse(json) as RawObject;
      if (identity) add(item, identity);
      else waiting.push(item);
    },
    (head) => { identity = identityOf(head); },
  );
  const decoder = new TextDecoder();
  for await (const chunk of stream) splitter.write(decoder.decode(chunk, { stream: true }));
  splitter.write(decoder.decode());
  const list = splitter.end() as RawList;
  const late = identityOf(list);
  for (const item of waiting) add(item, late);
  return { list, items };
}

function identityOf(list: { apiVersion?: unknown; kind?: unknown }): { apiVersion: string; kind: string } | undefined {
  if (typeof list.apiVersion !== 'string' || typeof list.kind !== 'string') return undefined;
  return { apiVersion: list.apiVersion, kind: list.kind.replace(/List$/, '') };
}

export function createKubeTransport(kubeConfig: KubeConfig, requester: ApiRequester): ListWatchTransport {
  const watcher = new Watch(kubeConfig);
  return {
    async list(path, query, each) {
      const request = { method: HttpMethod.GET, path, query };
      const response = await requester.send(request);
      const stream = response.body.stream();
      if (response.httpStatusCode !== 200 || !stream) throw apiException(request, response, await response.body.text());
      const { list, items } = await readListStream(stream, each);
      const continueToken = list.metadata?.continue;
      return {
        items,
        resourceVersion: list.metadata?.resourceVersion ?? '',
        ...(continueToken ? { continueToken } : {}),
      };
    },
    async watch(path, query, onEvent, onDone) {
      const controller = await watcher.watch(
        path,
        query,
        (type: string, object: WatchEvent['object']) => { onEvent({ type: type as WatchEventType, object }); },
        (err: unknown) => { onDone(err ?? undefined); },
      );
      return { abort: () => { controller.abort(); } };
    },
  };
}
