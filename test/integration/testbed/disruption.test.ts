// The test bed's kube-controller-manager and kubelet substitute, through the real API's answers:
// evictions honour PodDisruptionBudgets (the disruption controller computes their status), an
// evicted pod on a simulated Node disappears (the pod reaper), and the garbage collector removes
// the pods of a deleted ReplicaSet. The scale-in work relies on all three.
import { expect } from 'chai';
import { AppsV1Api, CoreV1Api, PolicyV1Api, type V1OwnerReference, type V1Pod, type V1PodDisruptionBudget } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { createRunningPod } from '../../../src/local-control-plane/kubelet-substitute.js';
import { eventually } from '../../support/eventually.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';

interface ApiError { code?: number; body?: unknown }

function statusOf(err: unknown): { code?: number; message?: string; causes: string[] } {
  const { code, body } = err as ApiError;
  const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: string; details?: { causes?: { message?: string }[] } } | undefined;
  return { code, message: parsed?.message, causes: (parsed?.details?.causes ?? []).map((c) => c.message ?? '') };
}

async function gone(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return false;
  } catch (err) {
    if ((err as ApiError).code === 404) return true;
    throw err;
  }
}

describe('test bed: kube-controller-manager and the kubelet substitute', function () {
  this.timeout(90_000);
  const suffix = randomBytes(3).toString('hex');
  const nodeName = `tb-node-${suffix}`;
  let namespace: string;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let policy: PolicyV1Api;

  before(async () => {
    const kc = testbed().kubeConfig;
    [core, apps, policy] = [kc.makeApiClient(CoreV1Api), kc.makeApiClient(AppsV1Api), kc.makeApiClient(PolicyV1Api)];
    namespace = await createTestNamespace('tb-evict');
    // A simulated Node: nothing runs on it, and no kubelet serves it.
    await core.createNode({ body: { metadata: { name: nodeName, labels: { 'test.sandbox.dev/testbed': 'true' } } } });
  });

  after(async () => {
    await core.deleteNode({ name: nodeName }).catch(() => undefined);
  });

  /** A ReplicaSet (no replicaset controller runs, so it creates nothing) and its one pod, Running on our Node. */
  async function replicaSetWithPod(app: string): Promise<{ pod: V1Pod; owner: V1OwnerReference }> {
    const labels = { app };
    const rs = await apps.createNamespacedReplicaSet({
      namespace,
      body: {
        metadata: { name: app, labels },
        spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1' }] } } },
      },
    });
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: app, uid: rs.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
    const pod = await createRunningPod(testbed().kubeConfig, {
      metadata: { name: `${app}-0`, namespace, labels, ownerReferences: [owner] },
      spec: { nodeName, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
    });
    return { pod, owner };
  }

  /** The budget once the disruption controller has computed its status for its current spec. */
  function computedBudget(name: string, check: (pdb: V1PodDisruptionBudget) => boolean): Promise<V1PodDisruptionBudget> {
    return eventually(`the disruption controller to compute PodDisruptionBudget ${name}`, async () => {
      const pdb = await policy.readNamespacedPodDisruptionBudget({ name, namespace });
      const current = pdb.status?.observedGeneration === pdb.metadata?.generation;
      return current && check(pdb) ? pdb : undefined;
    });
  }

  function evict(name: string): Promise<unknown> {
    return core.createNamespacedPodEviction({ name, namespace, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } } });
  }

  it('refuses to evict a pod its budget protects, then evicts it once the budget allows one disruption', async () => {
    const { pod } = await replicaSetWithPod('web');
    const podName = pod.metadata?.name ?? '';
    expect(pod.status?.phase).to.equal('Running');
    const pdbName = 'web-budget';
    await policy.createNamespacedPodDisruptionBudget({
      namespace, body: { metadata: { name: pdbName }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } } },
    });
    const strict = await computedBudget(pdbName, (p) => p.status?.expectedPods === 1);
    expect(strict.status).to.include({ expectedPods: 1, currentHealthy: 1, desiredHealthy: 1, disruptionsAllowed: 0 });

    const refused = await evict(podName).then(() => undefined, (err: unknown) => statusOf(err));
    expect(refused, 'the eviction was accepted').to.not.equal(undefined);
    expect(refused?.code).to.equal(429);
    expect(refused?.message).to.equal("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(refused?.causes).to.deep.equal([`The disruption budget ${pdbName} needs 1 healthy pods and has 1 currently`]);
    const untouched = await core.readNamespacedPod({ name: podName, namespace });
    expect(untouched.metadata?.deletionTimestamp).to.equal(undefined);

    const budget = await policy.readNamespacedPodDisruptionBudget({ name: pdbName, namespace });
    budget.spec = { ...budget.spec, maxUnavailable: 1 };
    await policy.replaceNamespacedPodDisruptionBudget({ name: pdbName, namespace, body: budget });
    const relaxed = await computedBudget(pdbName, (p) => p.status?.disruptionsAllowed === 1);
    expect(relaxed.status).to.include({ expectedPods: 1, currentHealthy: 1, desiredHealthy: 0, disruptionsAllowed: 1 });

    const reapedBefore = testbed().podReaper?.reaped ?? 0;
    await evict(podName);
    await eventually(`evicted pod ${podName} to be removed`, () => gone(() => core.readNamespacedPod({ name: podName, namespace })), 20_000);
    expect(testbed().podReaper?.reaped ?? 0).to.be.greaterThan(reapedBefore);
  });

  it('removes a bound pod being deleted, as its kubelet would, and leaves running pods alone', async () => {
    const spec = { nodeName, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] };
    await createRunningPod(testbed().kubeConfig, { metadata: { name: 'doomed', namespace }, spec });
    await createRunningPod(testbed().kubeConfig, { metadata: { name: 'keeper', namespace }, spec });
    // The default grace period: the API server only marks a bound pod, its kubelet finishes the job.
    const marked = await core.deleteNamespacedPod({ name: 'doomed', namespace });
    expect(marked.metadata?.deletionTimestamp, 'the API server deleted the bound pod by itself').to.not.equal(undefined);
    await eventually('pod doomed to be removed', () => gone(() => core.readNamespacedPod({ name: 'doomed', namespace })), 20_000);
    const keeper = await core.readNamespacedPod({ name: 'keeper', namespace });
    expect(keeper.metadata?.deletionTimestamp).to.equal(undefined);
    expect(keeper.status?.phase).to.equal('Running');
  });

  it('garbage-collects the pods of a deleted ReplicaSet', async () => {
    const { pod } = await replicaSetWithPod('batch');
    const podName = pod.metadata?.name ?? '';
    await apps.deleteNamespacedReplicaSet({ name: 'batch', namespace });
    await eventually(`pod ${podName} of the deleted ReplicaSet to be removed`, () => gone(() => core.readNamespacedPod({ name: podName, namespace })), 30_000);
  });
});
