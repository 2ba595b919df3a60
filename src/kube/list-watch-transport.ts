// The two HTTP calls an informer needs, in the server's own JSON: a paged list and a watch stream.
// The typed clients would turn list items into class instances with Date fields while watch
// events stay plain JSON; one raw format for both keeps the informer's transform simple.
import {
  ApiException,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  RequestContext,
  Watch,
  type KubeConfig,
} from '@kubernetes/client-node';

/** An API object as the server sends it: plain JSON, timestamps are strings. */
export interface RawObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; [field: string]: unknown };
  [field: string]: unknown;
}

export type QueryParams = Record<string, string | number | boolean | undefined>;

export interface ListPage {
  items: RawObject[];
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
  list(path: string, query: QueryParams): Promise<ListPage>;
  /**
   * Starts a watch; onEvent gets each event, onDone is called exactly once when the stream ends
   * (undefined: closed normally, e.g. by timeout; otherwise the error).
   */
  watch(path: string, query: QueryParams, onEvent: (event: WatchEvent) => void, onDone: (err?: unknown) => void): Promise<WatchHandle>;
}

interface RawList {
  apiVersion?: string;
  kind?: string;
  items?: RawObject[] | null;
  metadata?: { resourceVersion?: string; continue?: string };
}

/** List items come without apiVersion and kind; give them the ones watch events carry. */
function completeItems(list: RawList): RawObject[] {
  const items = list.items ?? [];
  const kind = list.kind?.replace(/List$/, '');
  for (const item of items) {
    item.apiVersion ??= list.apiVersion;
    item.kind ??= kind;
  }
  return items;
}

export function createKubeTransport(kubeConfig: KubeConfig, options: { requestTimeoutMs: number }): ListWatchTransport {
  const http = new IsomorphicFetchHttpLibrary();
  const watcher = new Watch(kubeConfig);
  return {
    async list(path, query) {
      const cluster = kubeConfig.getCurrentCluster();
      if (!cluster) throw new Error('the kubeconfig has no current cluster');
      const context = new RequestContext(cluster.server + path, HttpMethod.GET);
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined) context.setQueryParam(name, String(value));
      }
      context.setHeaderParam('Accept', 'application/json');
      await kubeConfig.applySecurityAuthentication(context);
      context.setSignal(AbortSignal.timeout(options.requestTimeoutMs));
      const response = await http.send(context).toPromise();
      const text = await response.body.text();
      if (response.httpStatusCode !== 200) {
        throw new ApiException(response.httpStatusCode, `list ${path} failed`, text, response.headers);
      }
      const list = JSON.parse(text) as RawList;
      const continueToken = list.metadata?.continue;
      return {
        items: completeItems(list),
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
