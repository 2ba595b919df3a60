// The Kubernetes calls a drain makes, over the operator's own requester (api-clients.ts says why not
// client-node's typed classes): the pods bound to one Node (a field selector, never a cluster-wide
// pod watch), the PodDisruptionBudgets of a namespace, cordon/uncordon (spec.unschedulable), and
// an eviction through the Eviction API (policy/v1), so the API server applies the budgets.
// Each needs RBAC the chart grants only with scaleIn enabled (docs/helm.md).
import type { V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { HttpMethod } from '@kubernetes/client-node/dist/gen/http/http.js';
import { apiException, type ApiRequester } from './api-request.js';

/** An eviction's answer: done (or the pod already gone), or refused (429: a budget; the message names it). */
export type EvictionResult = { kind: 'evicted' } | { kind: 'gone' } | { kind: 'refused'; message: string };

export interface DrainApi {
  podsOnNode(nodeName: string): Promise<V1Pod[]>;
  budgets(namespace: string): Promise<V1PodDisruptionBudget[]>;
  /** false: the Node is gone. */
  setUnschedulable(nodeName: string, unschedulable: boolean): Promise<boolean>;
  evict(namespace: string, name: string): Promise<EvictionResult>;
}

interface StatusBody {
  message?: string;
  details?: { causes?: { message?: string }[] };
}

function refusal(text: string): string {
  try {
    const status = JSON.parse(text) as StatusBody;
    const causes = (status.details?.causes ?? []).map((c) => c.message ?? '').filter((m) => m !== '');
    return [status.message ?? 'eviction refused', ...causes].join(' ');
  } catch {
    return text.slice(0, 512);
  }
}

export function createDrainApi(api: ApiRequester): DrainApi {
  const enc = encodeURIComponent;
  return {
    async podsOnNode(nodeName) {
      const list = await api.json<{ items?: V1Pod[] }>({ method: HttpMethod.GET, path: '/api/v1/pods', query: { fieldSelector: `spec.nodeName=${nodeName}` } });
      return list.items ?? [];
    },
    async budgets(namespace) {
      const list = await api.json<{ items?: V1PodDisruptionBudget[] }>({ method: HttpMethod.GET, path: `/apis/policy/v1/namespaces/${enc(namespace)}/poddisruptionbudgets` });
      return list.items ?? [];
    },
    async setUnschedulable(nodeName, unschedulable) {
      const request = {
        method: HttpMethod.PATCH, path: `/api/v1/nodes/${enc(nodeName)}`,
        body: { spec: { unschedulable: unschedulable ? true : null } }, contentType: 'application/merge-patch+json',
      };
      const response = await api.send(request);
      const text = await response.body.text();
      if (response.httpStatusCode === 404) return false;
      if (response.httpStatusCode < 200 || response.httpStatusCode > 299) throw apiException(request, response, text);
      return true;
    },
    async evict(namespace, name) {
      const request = {
        method: HttpMethod.POST, path: `/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}/eviction`,
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
      };
      const response = await api.send(request);
      const text = await response.body.text();
      if (response.httpStatusCode === 404) return { kind: 'gone' };
      if (response.httpStatusCode === 429) return { kind: 'refused', message: refusal(text) };
      if (response.httpStatusCode < 200 || response.httpStatusCode > 299) throw apiException(request, response, text);
      return { kind: 'evicted' };
    },
  };
}
