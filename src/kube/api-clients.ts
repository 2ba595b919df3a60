// The operator's Kubernetes API calls, without client-node's generated code. Each typed client
// (CoreV1Api, …) imports ObjectSerializer, which imports all ~750 models, and the promise API on top
// of them is 14 MB of JavaScript: ~27 MiB of RSS for eight calls (docs/benchmarks.md, footprint).
// Here those eight calls are a path, a verb and a JSON body each, sent by ApiRequester, and their
// answers are what the typed clients return: the server's JSON with the fields the model types
// declare as Date (object metadata times, Event first/last timestamps) turned into Dates; like the
// typed clients, MicroTime fields (Lease renew/acquire, Event eventTime) stay strings.
// Every other method of those APIs, or a call with per-request options, goes to client-node's own
// class, loaded on first use, so each object here is a complete CoreV1Api / CoordinationV1Api /
// CustomObjectsApi and callers keep client-node's types.
import type { CoordinationV1Api, CoreV1Api, CoreV1Event, CustomObjectsApi, V1Lease, V1ObjectMeta, V1Secret } from '@kubernetes/client-node';
import type { Configuration } from '@kubernetes/client-node/dist/gen/configuration.js';
import { HttpMethod } from '@kubernetes/client-node/dist/gen/http/http.js';
import type { ApiRequester, QueryParams } from './api-request.js';

type CoreCalls = Pick<CoreV1Api, 'readNamespacedSecret' | 'createNamespacedEvent' | 'patchNamespacedEvent'>;
type CoordinationCalls = Pick<CoordinationV1Api, 'readNamespacedLease' | 'createNamespacedLease' | 'replaceNamespacedLease'>;
type CustomObjectCalls = Pick<CustomObjectsApi, 'getNamespacedCustomObject' | 'replaceNamespacedCustomObjectStatus'>;

/** Request fields that go into the path or the body; every other one is a query parameter, as in the typed clients. */
const NOT_QUERY = new Set(['name', 'namespace', 'group', 'version', 'plural', 'body']);

function queryOf(param: object): QueryParams {
  const query: QueryParams = {};
  for (const [key, value] of Object.entries(param)) {
    if (!NOT_QUERY.has(key) && value !== undefined) query[key] = value as string | number | boolean;
  }
  return query;
}

/** The request's path parameters, URL-encoded; a missing one is an error naming it (as client-node's RequiredError). */
function segments<K extends string>(param: Partial<Record<K, string>>, names: readonly K[], call: string): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const name of names) {
    const value = param[name];
    if (value === undefined || value === '') throw new Error(`Required parameter ${name} was null or undefined when calling ${call}.`);
    out[name] = encodeURIComponent(value);
  }
  return out;
}

function toDate(value: unknown): unknown {
  return typeof value === 'string' ? new Date(value) : value;
}

/** V1ObjectMeta's Date fields, as ObjectSerializer.deserialize makes them. */
export function reviveMetadata<T extends { metadata?: V1ObjectMeta }>(object: T): T {
  const meta = object.metadata as Record<string, unknown> | undefined;
  if (!meta) return object;
  for (const field of ['creationTimestamp', 'deletionTimestamp']) {
    if (meta[field] !== undefined) meta[field] = toDate(meta[field]);
  }
  for (const entry of (meta.managedFields ?? []) as Record<string, unknown>[]) {
    if (entry.time !== undefined) entry.time = toDate(entry.time);
  }
  return object;
}

/** CoreV1Event's Date fields (its eventTime and series.lastObservedTime are MicroTime: strings). */
export function reviveEvent(event: CoreV1Event): CoreV1Event {
  const fields = event as unknown as Record<string, unknown>;
  for (const field of ['firstTimestamp', 'lastTimestamp']) {
    if (fields[field] !== undefined) fields[field] = toDate(fields[field]);
  }
  return reviveMetadata(event);
}

/**
 * `calls` answered here; any other property is a method of the full client, loaded on first use.
 * A call that passes per-request options (client-node's second argument) also goes to the full client.
 */
function completeWith<Full extends object>(calls: Partial<Full>, loadFull: () => Promise<Full>): Full {
  let full: Promise<Full> | undefined;
  const viaFull = (method: string | symbol) => async (...args: unknown[]): Promise<unknown> => {
    full ??= loadFull();
    const api = (await full) as Record<string | symbol, (...a: unknown[]) => unknown>;
    return api[method]?.(...args);
  };
  return new Proxy(calls as Full, {
    get(target, property, receiver) {
      // Not an API method: symbols, `then` (this is no promise), Object.prototype's own methods.
      if (typeof property !== 'string' || property === 'then' || property in Object.prototype) return Reflect.get(target, property, receiver) as unknown;
      const own = Reflect.get(target, property, receiver) as ((...a: unknown[]) => unknown) | undefined;
      if (typeof own !== 'function' || !Object.hasOwn(target, property)) return viaFull(property);
      return (...args: unknown[]) => (args[1] === undefined ? own(...args) : viaFull(property)(...args));
    },
  });
}

async function objectParamApi(): Promise<typeof import('@kubernetes/client-node/dist/gen/types/ObjectParamAPI.js')> {
  return import('@kubernetes/client-node/dist/gen/types/ObjectParamAPI.js');
}

export function createCoreApi(api: ApiRequester, configuration: Configuration): CoreV1Api {
  const events = (namespace: string): string => `/api/v1/namespaces/${namespace}/events`;
  const calls: CoreCalls = {
    async readNamespacedSecret(param) {
      const { name, namespace } = segments(param, ['name', 'namespace'], 'CoreV1Api.readNamespacedSecret');
      const secret = await api.json<V1Secret>({ method: HttpMethod.GET, path: `/api/v1/namespaces/${namespace}/secrets/${name}`, query: queryOf(param) });
      return reviveMetadata(secret);
    },
    async createNamespacedEvent(param) {
      const { namespace } = segments(param, ['namespace'], 'CoreV1Api.createNamespacedEvent');
      return reviveEvent(await api.json<CoreV1Event>({ method: HttpMethod.POST, path: events(namespace), query: queryOf(param), body: param.body }));
    },
    async patchNamespacedEvent(param) {
      const { name, namespace } = segments(param, ['name', 'namespace'], 'CoreV1Api.patchNamespacedEvent');
      // The typed client's first choice of patch type: a JSON patch (RFC 6902).
      return reviveEvent(await api.json<CoreV1Event>({
        method: HttpMethod.PATCH, path: `${events(namespace)}/${name}`, query: queryOf(param), body: param.body, contentType: 'application/json-patch+json',
      }));
    },
  };
  return completeWith<CoreV1Api>(calls, async () => new (await objectParamApi()).ObjectCoreV1Api(configuration));
}

export function createCoordinationApi(api: ApiRequester, configuration: Configuration): CoordinationV1Api {
  const leases = (namespace: string): string => `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
  const calls: CoordinationCalls = {
    async readNamespacedLease(param) {
      const { name, namespace } = segments(param, ['name', 'namespace'], 'CoordinationV1Api.readNamespacedLease');
      return reviveMetadata(await api.json<V1Lease>({ method: HttpMethod.GET, path: `${leases(namespace)}/${name}`, query: queryOf(param) }));
    },
    async createNamespacedLease(param) {
      const { namespace } = segments(param, ['namespace'], 'CoordinationV1Api.createNamespacedLease');
      return reviveMetadata(await api.json<V1Lease>({ method: HttpMethod.POST, path: leases(namespace), query: queryOf(param), body: param.body }));
    },
    async replaceNamespacedLease(param) {
      const { name, namespace } = segments(param, ['name', 'namespace'], 'CoordinationV1Api.replaceNamespacedLease');
      return reviveMetadata(await api.json<V1Lease>({ method: HttpMethod.PUT, path: `${leases(namespace)}/${name}`, query: queryOf(param), body: param.body }));
    },
  };
  return completeWith<CoordinationV1Api>(calls, async () => new (await objectParamApi()).ObjectCoordinationV1Api(configuration));
}

export function createCustomObjectsApi(api: ApiRequester, configuration: Configuration): CustomObjectsApi {
  const objectPath = (param: { group: string; version: string; namespace: string; plural: string; name: string }, call: string): string => {
    const s = segments(param, ['group', 'version', 'namespace', 'plural', 'name'], call);
    return `/apis/${s.group}/${s.version}/namespaces/${s.namespace}/${s.plural}/${s.name}`;
  };
  // Custom objects have no model: the typed client returns the parsed JSON as it is, and so does this.
  const calls: CustomObjectCalls = {
    async getNamespacedCustomObject(param) {
      return api.json<object>({ method: HttpMethod.GET, path: objectPath(param, 'CustomObjectsApi.getNamespacedCustomObject'), query: queryOf(param) });
    },
    async replaceNamespacedCustomObjectStatus(param) {
      const path = `${objectPath(param, 'CustomObjectsApi.replaceNamespacedCustomObjectStatus')}/status`;
      return api.json<object>({ method: HttpMethod.PUT, path, query: queryOf(param), body: param.body });
    },
  };
  return completeWith<CustomObjectsApi>(calls, async () => new (await objectParamApi()).ObjectCustomObjectsApi(configuration));
}
