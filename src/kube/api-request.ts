// One authenticated request to the API server, the way client-node's generated clients send it:
// KubeConfig applies the credentials and the TLS dispatcher, client-node's fetch library sends it,
// a non-2xx answer becomes client-node's ApiException (code, body text, headers), so api-errors.ts
// classifies these failures exactly as those of the typed clients. Used by the informers' list
// and by the operator's own API calls (api-clients.ts), which need no generated code.
import { ApiException } from '@kubernetes/client-node/dist/gen/apis/exception.js';
import { IsomorphicFetchHttpLibrary } from '@kubernetes/client-node/dist/gen/http/isomorphic-fetch.js';
import { RequestContext, type HttpMethod, type ResponseContext } from '@kubernetes/client-node/dist/gen/http/http.js';
import type { KubeConfig } from './kube-config.js';

export const USER_AGENT = 'sandbox-capacity-operator';

export type QueryParams = Record<string, string | number | boolean | undefined>;

export interface ApiRequest {
  method: HttpMethod;
  /** Absolute path on the server, e.g. /api/v1/namespaces/x/secrets/y (already encoded). */
  path: string;
  query?: QueryParams;
  /** Sent as JSON. */
  body?: unknown;
  /** Defaults to application/json when there is a body. */
  contentType?: string;
}

export class ApiRequester {
  private readonly http = new IsomorphicFetchHttpLibrary();

  constructor(private readonly kubeConfig: KubeConfig, private readonly requestTimeoutMs: number) {}

  /** Sends the request; resolves with any answer, rejects only when there is none (network, timeout). */
  async send(request: ApiRequest): Promise<ResponseContext> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    const context = new RequestContext(cluster.server + request.path, request.method);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) context.setQueryParam(name, String(value));
    }
    context.setHeaderParam('Accept', 'application/json, */*;q=0.8');
    if (request.body !== undefined) {
      context.setHeaderParam('Content-Type', request.contentType ?? 'application/json');
      context.setBody(JSON.stringify(request.body));
    }
    await this.kubeConfig.applySecurityAuthentication(context);
    context.setHeaderParam('User-Agent', USER_AGENT);
    context.setSignal(AbortSignal.timeout(this.requestTimeoutMs));
    return this.http.send(context).toPromise();
  }

  /** Sends the request and parses the 2xx answer; anything else throws an ApiException. */
  async json<T>(request: ApiRequest): Promise<T> {
    const response = await this.send(request);
    const text = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) throw apiException(request, response, text);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}

/** The error client-node's typed clients throw for the same answer. */
export function apiException(request: Pick<ApiRequest, 'method' | 'path'>, response: ResponseContext, text: string): ApiException<string> {
  return new ApiException(response.httpStatusCode, `${request.method} ${request.path} failed`, text, response.headers);
}
