// The API clients the controller uses, built from one KubeConfig. Every request gets a timeout:
// client-node sets none, and a request hanging on a half-open connection would stall a reconcile
// or, worse, a lease renewal past its deadline. Nothing here loads client-node's index or its
// generated API classes (kube-config.ts and api-clients.ts say why and how).
import { createHash } from 'node:crypto';
import type { Cluster, CoordinationV1Api, CoreV1Api, CustomObjectsApi, Middleware, User } from '@kubernetes/client-node';
import { createConfiguration, type Configuration } from '@kubernetes/client-node/dist/gen/configuration.js';
import type { RequestContext, ResponseContext } from '@kubernetes/client-node/dist/gen/http/http.js';
import { ServerConfiguration } from '@kubernetes/client-node/dist/gen/servers.js';
import { createCoordinationApi, createCoreApi, createCustomObjectsApi } from './api-clients.js';
import { ApiRequester, USER_AGENT } from './api-request.js';
import { createDrainApi, type DrainApi } from './drain-api.js';
import { bufferFromFileOrString, KubeConfig } from './kube-config.js';
import { createKubeTransport, type ListWatchTransport } from './list-watch-transport.js';

export { USER_AGENT };
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface KubeClients {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  coordination: CoordinationV1Api;
  customObjects: CustomObjectsApi;
  /** Raw list + watch for informers. */
  transport: ListWatchTransport;
  /** Scale-in's pod, budget, cordon and eviction calls. */
  drain: DrainApi;
}

export interface KubeClientOptions {
  requestTimeoutMs?: number;
}

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * client-node 2.0 builds a new undici Agent in every applySecurityAuthentication, i.e. a new TCP
 * connection and TLS handshake for every API call: ~6 ms per call on a loaded 2-core machine against
 * ~1.3 ms on a reused connection, paid three times before each ScaleOutCluster (docs/benchmarks.md).
 * This KubeConfig hands every request the dispatcher of the first one, for as long as the TLS
 * material (server, CA, client certificate and key, read as client-node reads them) is unchanged;
 * rotated certificate files start a new dispatcher and the old one closes after its requests.
 */
export class ConnectionReusingKubeConfig extends KubeConfig {
  private shared: { identity: string; dispatcher: Dispatcher } | undefined;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (fresh === undefined) return;
    const identity = this.tlsIdentity();
    if (this.shared?.identity === identity) {
      fresh.close().catch(() => undefined);
      context.setDispatcher(this.shared.dispatcher);
      return;
    }
    const previous = this.shared;
    this.shared = { identity, dispatcher: fresh };
    previous?.dispatcher.close().catch(() => undefined);
  }

  private tlsIdentity(): string {
    return tlsIdentity(this.getCurrentCluster() ?? {}, this.getCurrentUser() ?? {});
  }
}

/** What the connection's TLS depends on, hashed (certificate files are re-read, as client-node does). */
function tlsIdentity(cluster: Partial<Cluster>, user: Partial<User>): string {
  const parts = [
    JSON.stringify([cluster.server, cluster.skipTLSVerify, cluster.tlsServerName]),
    bufferFromFileOrString(cluster.caFile, cluster.caData),
    bufferFromFileOrString(user.certFile, user.certData),
    bufferFromFileOrString(user.keyFile, user.keyData),
  ];
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part ?? '').update('|');
  return hash.digest('hex');
}

/** Loads ~/.kube/config, $KUBECONFIG or the in-cluster service account, or the given file. */
export function loadKubeConfig(path?: string): KubeConfig {
  const kubeConfig = new ConnectionReusingKubeConfig();
  if (path) kubeConfig.loadFromFile(path);
  else kubeConfig.loadFromDefault();
  return kubeConfig;
}

function requestDefaults(timeoutMs: number): Middleware {
  return {
    pre(context: RequestContext): Promise<RequestContext> {
      context.setHeaderParam('User-Agent', USER_AGENT);
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return Promise.resolve(context);
    },
    post(context: ResponseContext): Promise<ResponseContext> {
      return Promise.resolve(context);
    },
  };
}

/** A client-node API configuration whose requests all time out after timeoutMs (for client-node's own classes). */
export function createApiConfiguration(kubeConfig: KubeConfig, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Configuration {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: [requestDefaults(timeoutMs)],
  });
}

export function createKubeClients(kubeConfig: KubeConfig, options: KubeClientOptions = {}): KubeClients {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const configuration = createApiConfiguration(kubeConfig, timeoutMs);
  const requester = new ApiRequester(kubeConfig, timeoutMs);
  return {
    kubeConfig,
    core: createCoreApi(requester, configuration),
    coordination: createCoordinationApi(requester, configuration),
    customObjects: createCustomObjectsApi(requester, configuration),
    transport: createKubeTransport(kubeConfig, requester),
    drain: createDrainApi(requester),
  };
}
