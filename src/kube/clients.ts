// The API clients the controller uses, built from one KubeConfig. Every request gets a timeout:
// client-node sets none, and a request hanging on a half-open connection would stall a reconcile
// or, worse, a lease renewal past its deadline.
import {
  CoordinationV1Api,
  CoreV1Api,
  createConfiguration,
  CustomObjectsApi,
  KubeConfig,
  ServerConfiguration,
  type Configuration,
  type Middleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { createKubeTransport, type ListWatchTransport } from './list-watch-transport.js';

export const USER_AGENT = 'sandbox-capacity-operator';
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface KubeClients {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  coordination: CoordinationV1Api;
  customObjects: CustomObjectsApi;
  /** Raw list + watch for informers. */
  transport: ListWatchTransport;
}

export interface KubeClientOptions {
  requestTimeoutMs?: number;
}

/** Loads ~/.kube/config, $KUBECONFIG or the in-cluster service account, or the given file. */
export function loadKubeConfig(path?: string): KubeConfig {
  const kubeConfig = new KubeConfig();
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

/** A client-node API configuration whose requests all time out after timeoutMs. */
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
  return {
    kubeConfig,
    core: new CoreV1Api(configuration),
    coordination: new CoordinationV1Api(configuration),
    customObjects: new CustomObjectsApi(configuration),
    transport: createKubeTransport(kubeConfig, { requestTimeoutMs: timeoutMs }),
  };
}
