// The test bed has no kubelet: its Nodes are simulated (the ACK simulator's, or a test's own). Two
// things a kubelet does matter to tests that evict or delete pods, and this file does them:
//   - createRunningPod: a pod bound to a Node (spec.nodeName) is reported Running and Ready, as its
//     kubelet would once the containers run. Only Ready pods count as healthy for a
//     PodDisruptionBudget, and the Eviction API ignores budgets for pods that are not Running.
//   - PodReaper: a bound pod being deleted (an eviction, a delete with the default grace period)
//     only gets a deletionTimestamp from the API server; the kubelet then stops its containers and
//     removes it with grace period 0. The reaper does that removal at once (there are no containers).
// Without the reaper an evicted pod stays Terminating forever.
import { CoreV1Api, ListWatch, Watch, type KubeConfig, type V1Pod } from '@kubernetes/client-node';

const RESTART_DELAY_MS = 1000;
const MAX_DELETE_ATTEMPTS = 30;

function isGone(err: unknown): boolean {
  const { code } = err as { code?: number };
  return code === 404 || code === 409;
}

/**
 * Creates `pod` (which must name its Node in spec.nodeName) and writes the status its kubelet would
 * report once it runs: phase Running, every container running and ready, condition Ready True.
 */
export async function createRunningPod(kc: KubeConfig, pod: V1Pod): Promise<V1Pod> {
  const namespace = pod.metadata?.namespace;
  if (!namespace) throw new Error('createRunningPod: metadata.namespace is required');
  if (!pod.spec?.nodeName) throw new Error('createRunningPod: spec.nodeName is required (the simulated Node it runs on)');
  const api = kc.makeApiClient(CoreV1Api);
  const created = await api.createNamespacedPod({ namespace, body: pod });
  const now = new Date();
  const condition = (type: string): { type: string; status: string; lastTransitionTime: Date } => ({ type, status: 'True', lastTransitionTime: now });
  created.status = {
    phase: 'Running',
    startTime: now,
    hostIP: '127.0.0.1',
    conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map(condition),
    containerStatuses: (created.spec?.containers ?? []).map((c) => ({
      name: c.name, image: c.image ?? '', imageID: '', ready: true, started: true, restartCount: 0,
      state: { running: { startedAt: now } },
    })),
  };
  return api.replaceNamespacedPodStatus({ name: created.metadata?.name ?? '', namespace, body: created });
}

/** Removes every pod bound to a Node once it is being deleted, as that Node's kubelet would. */
export class PodReaper {
  private readonly api: CoreV1Api;
  private readonly informer: ListWatch<V1Pod>;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private reapedCount = 0;
  /** The last error the reaper could not act on (a failed delete or watch), for a test's failure message. */
  lastError: unknown;

  constructor(kc: KubeConfig) {
    this.api = kc.makeApiClient(CoreV1Api);
    // Bound pods only: an unbound pod is deleted by the API server at once, without any kubelet.
    this.informer = new ListWatch<V1Pod>('/api/v1/pods', new Watch(kc),
      () => this.api.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName!=' }), false, undefined, 'spec.nodeName!=');
    const onPod = (pod: V1Pod): void => { void this.reap(pod); };
    this.informer.on('add', onPod);
    this.informer.on('update', onPod);
    this.informer.on('error', (err: unknown) => {
      this.lastError = err;
      // client-node's informer stops on an error (e.g. kube-apiserver restarting): list and watch anew.
      if (!this.stopped) this.restartTimer = setTimeout(() => { void this.informer.start().catch((e: unknown) => { this.lastError = e; }); }, RESTART_DELAY_MS);
    });
  }

  /** How many pods it has removed. */
  get reaped(): number {
    return this.reapedCount;
  }

  /** Resolves once the first list is done (pods already terminating are reaped by then or soon after). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.informer.stop();
  }

  private async reap(pod: V1Pod, attempt = 1): Promise<void> {
    const { name = '', namespace = '', uid, deletionTimestamp } = pod.metadata ?? {};
    if (!deletionTimestamp || !pod.spec?.nodeName) return;
    try {
      // The uid precondition: never remove a pod of the same name created after this one. The grace
      // period goes in the body: with a body, kube-apiserver ignores the query parameters.
      await this.api.deleteNamespacedPod({ name, namespace, body: { gracePeriodSeconds: 0, preconditions: { uid } } });
      this.reapedCount++;
    } catch (err) {
      // 404: already gone; 409: the uid no longer matches, i.e. the pod we saw is gone too.
      if (isGone(err)) return;
      this.lastError = err;
      // A kubelet retries until the pod is gone; no further event may come for this pod.
      if (!this.stopped && attempt < MAX_DELETE_ATTEMPTS) setTimeout(() => { void this.reap(pod, attempt + 1); }, RESTART_DELAY_MS);
    }
  }
}
