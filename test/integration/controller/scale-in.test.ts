// Scale-in, end to end, in both backends: the operator in-process, the real kube-apiserver with
// kube-controller-manager (PodDisruptionBudgets are computed, evictions honour them) and the pod
// reaper standing in for kubelets, the ACK simulator through the real SDK. Each test asserts on
// the Nodes, the pods, status, Events, and the simulator's record of what it was asked to remove.
import { expect } from 'chai';
import { AppsV1Api, PolicyV1Api, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { createRunningPod } from '../../../src/local-control-plane/kubelet-substitute.js';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { baseSpec, eventually, startScenario, type Scenario } from './fixture.js';
import { POOL, poolSpec, startPoolScenario } from './node-pool-fixture.js';
import { clusterNodes, eventsWithReason, patchSpec } from './observe.js';

const SCALE_IN = { enabled: true, cooldown: '2s', maxNodesPerStep: 1, drainTimeout: '30s' };

interface Mode {
  name: string;
  start(): Promise<Scenario>;
  spec(clusterId: string, replicas: number): Record<string, unknown>;
  /** What the simulator was asked to remove, by successful calls: instance ids. */
  removed(s: Scenario): string[];
  /** The removal calls that must never be made in this mode. */
  forbidden: string;
}

function instanceOfName(s: Scenario, nodeName: string): string {
  return (s.sim.control.listNodes(s.clusterId) ?? []).find((i) => i.nodeName === nodeName)?.instanceId ?? `?${nodeName}`;
}

const MODES: Mode[] = [
  {
    name: 'ScaleOutCluster mode (DeleteClusterNodes, release)',
    start: () => startScenario(),
    spec: (clusterId, replicas) => baseSpec(clusterId, replicas),
    removed: (s) => s.sim.control.requests({ action: 'DeleteClusterNodes' }).filter((r) => r.status === 200)
      .flatMap((r) => ((r.body as { nodes?: string[]; release_node?: boolean }).nodes ?? []).map((name) => {
        expect((r.body as { release_node?: boolean }).release_node, 'release_node').to.equal(true);
        return removedIds.get(name) ?? instanceOfName(s, name);
      })),
    forbidden: 'RemoveNodePoolNodes',
  },
  {
    name: 'node-pool mode (RemoveNodePoolNodes, release)',
    start: () => startPoolScenario(),
    spec: (clusterId, replicas) => poolSpec(clusterId, replicas),
    removed: (s) => s.sim.control.requests({ action: 'RemoveNodePoolNodes' }).filter((r) => r.status === 200 && r.path.endsWith(`/nodepools/${POOL}/nodes`))
      .flatMap((r) => {
        expect(r.query).to.include({ release_node: 'true', drain_node: 'false' });
        return JSON.parse(r.query.instance_ids ?? '[]') as string[];
      }),
    forbidden: 'DeleteClusterNodes',
  },
];

/** Node name → instance id, remembered before the instance is released (the simulator forgets it then). */
const removedIds = new Map<string, string>();

function providerInstance(node: V1Node): string {
  return (node.spec?.providerID ?? '').split('.').slice(1).join('.');
}

for (const mode of MODES) {
  describe(`controller: scale-in, ${mode.name}`, function () {
    this.timeout(180_000);
    let s: Scenario;
    let apps: AppsV1Api;
    let policy: PolicyV1Api;

    beforeEach(async () => {
      s = await mode.start();
      apps = s.kc.makeApiClient(AppsV1Api);
      policy = s.kc.makeApiClient(PolicyV1Api);
      await s.startOperator();
    });

    afterEach(async () => {
      await s.close();
      for (const node of await clusterNodes(s)) await s.core.deleteNode({ name: node.metadata?.name ?? '' }).catch(() => undefined);
    });

    async function readyNodes(count: number, scaleIn: Record<string, unknown>): Promise<V1Node[]> {
      await s.apply({ ...mode.spec(s.clusterId, count), scaleIn });
      await eventually(`${count} Ready nodes`, async () => (await s.get()).status?.readyReplicas === count && (await clusterNodes(s)).length === count, 60_000);
      const nodes = (await clusterNodes(s)).sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
      for (const node of nodes) removedIds.set(node.metadata?.name ?? '', providerInstance(node));
      return nodes;
    }

    /** A pod of a ReplicaSet (no replicaset controller runs: it creates nothing), Running on `node`. */
    async function workload(app: string, node: string, extra: Partial<V1Pod['metadata']> = {}, replicas = 1): Promise<V1Pod> {
      const labels = { app };
      let rs;
      try {
        rs = await apps.readNamespacedReplicaSet({ name: app, namespace: s.ns });
      } catch {
        rs = await apps.createNamespacedReplicaSet({
          namespace: s.ns,
          body: { metadata: { name: app, labels }, spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1' }] } } } },
        });
      }
      const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: app, uid: rs.metadata?.uid ?? '', controller: true };
      return createRunningPod(s.kc, {
        metadata: { name: `${app}-${node.replace(/[^a-z0-9-]/g, '-').slice(-20)}`, namespace: s.ns, labels, ownerReferences: [owner], ...extra },
        spec: { nodeName: node, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
      });
    }

    async function podsOn(node: string): Promise<string[]> {
      return (await s.core.listNamespacedPod({ namespace: s.ns, fieldSelector: `spec.nodeName=${node}` })).items.map((p) => p.metadata?.name ?? '');
    }

    async function settledAt(replicas: number): Promise<SandboxCapacity> {
      return eventually(`${replicas} nodes left and no removal in progress`, async () => {
        const sc = await s.get();
        const nodes = await clusterNodes(s);
        return nodes.length === replicas && sc.status?.replicas === replicas && sc.status.scaleIn?.removals === undefined ? sc : undefined;
      }, 90_000);
    }

    it('replicas 5 → 3 removes exactly 2 Nodes after the cooldown, the empty ones first, drained; ACK is asked for exactly those', async () => {
      const nodes = await readyNodes(5, SCALE_IN);
      const names = nodes.map((n) => n.metadata?.name ?? '');
      const [busy1, empty1, busy2, empty2, busy3] = names as [string, string, string, string, string];
      for (const node of [busy1, busy2, busy3]) await workload('web', node);
      await patchSpec(s, { replicas: 3 });
      const sc = await settledAt(3);
      const left = (await clusterNodes(s)).map((n) => n.metadata?.name ?? '').sort();
      expect(left).to.deep.equal([busy1, busy2, busy3].sort());
      expect(mode.removed(s).sort()).to.deep.equal([removedIds.get(empty1), removedIds.get(empty2)].sort());
      expect(s.sim.control.requests({ action: mode.forbidden }), `${mode.forbidden} is never called`).to.have.length(0);
      expect(s.sim.control.requests({ action: 'ModifyClusterNodePool' }).filter((r) => ((r.body as { scaling_group?: { desired_size?: number } }).scaling_group?.desired_size ?? 99) < 5), 'desired_size is never lowered directly').to.have.length(0);
      expect((await eventsWithReason(s, 'ScaleInStarted')).length).to.equal(2);
      expect((await eventsWithReason(s, 'NodeDrained')).length).to.equal(2);
      expect((await eventsWithReason(s, 'ScaleInCompleted')).length).to.be.at.least(2);
      expect(sc.status?.lastDecision?.reason).to.equal('NodesReady');
      expect(await eventsWithReason(s, 'NodePoolDriftDetected'), 'our own removals are not drift').to.have.length(0);
      // Nothing more is removed once at spec.replicas.
      await new Promise((r) => setTimeout(r, 4000));
      expect(mode.removed(s)).to.have.length(2);
      expect(await clusterNodes(s)).to.have.length(3);
    });

    it('with scaleIn.enabled false nothing is removed and the surplus is reported as before', async () => {
      await readyNodes(3, { ...SCALE_IN, enabled: false });
      await patchSpec(s, { replicas: 2 });
      const sc = await eventually('SurplusNodes', async () => {
        const got = await s.get();
        return got.status?.lastDecision?.reason === 'SurplusNodes' ? got : undefined;
      });
      expect(sc.status?.lastDecision?.message).to.equal('3 nodes match, 2 desired: 1 surplus node is reported, never removed');
      await new Promise((r) => setTimeout(r, 5000));
      expect(mode.removed(s)).to.deep.equal([]);
      expect(await clusterNodes(s)).to.have.length(3);
      expect((await clusterNodes(s)).some((n) => n.spec?.unschedulable === true), 'nothing cordoned').to.equal(false);
    });

    it('a budget that allows no disruption blocks (naming pod and budget), removes nothing; relaxing it lets the removal proceed', async () => {
      const [a, b] = (await readyNodes(2, SCALE_IN)).map((n) => n.metadata?.name ?? '') as [string, string];
      // The ReplicaSet's scale is what the budget expects: 2 pods.
      const podA = await workload('web', a, {}, 2);
      await workload('web', b, {}, 2);
      await policy.createNamespacedPodDisruptionBudget({ namespace: s.ns, body: { metadata: { name: 'web-budget' }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } } } });
      await eventually('the budget computed', async () => {
        const pdb = await policy.readNamespacedPodDisruptionBudget({ name: 'web-budget', namespace: s.ns });
        return pdb.status?.observedGeneration === pdb.metadata?.generation && pdb.status?.expectedPods === 2 && pdb.status.disruptionsAllowed === 0;
      });
      await patchSpec(s, { replicas: 1 });
      const blocked = await eventually('ScaleInBlocked', async () => {
        const sc = await s.get();
        return sc.status?.lastDecision?.reason === 'ScaleInBlocked' ? sc : undefined;
      }, 30_000);
      expect(blocked.status?.lastDecision?.message).to.contain(`pod ${s.ns}/${podA.metadata?.name ?? ''} is protected by PodDisruptionBudget ${s.ns}/web-budget`);
      const event = await eventually('a ScaleInBlocked Event', async () => (await eventsWithReason(s, 'ScaleInBlocked'))[0]);
      expect(event.message).to.contain('web-budget');
      await new Promise((r) => setTimeout(r, 3000));
      expect(mode.removed(s)).to.deep.equal([]);
      expect((await clusterNodes(s)).some((n) => n.spec?.unschedulable === true), 'nothing cordoned').to.equal(false);

      const budget = await policy.readNamespacedPodDisruptionBudget({ name: 'web-budget', namespace: s.ns });
      budget.spec = { ...budget.spec, maxUnavailable: 1 };
      await policy.replaceNamespacedPodDisruptionBudget({ name: 'web-budget', namespace: s.ns, body: budget });
      await settledAt(1);
      expect(mode.removed(s)).to.have.length(1);
      const [kept] = (await clusterNodes(s)).map((n) => n.metadata?.name ?? '');
      const gone = kept === a ? b : a;
      expect(await podsOn(gone), 'the removed Node was drained first').to.deep.equal([]);
    });

    it('pods marked do-not-disrupt or safe-to-evict "false" protect their Nodes', async () => {
      const [a, b, c] = (await readyNodes(3, SCALE_IN)).map((n) => n.metadata?.name ?? '') as [string, string, string];
      await workload('keep', a, { annotations: { 'karpenter.sh/do-not-disrupt': 'true' } });
      await workload('stay', b, { annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' } });
      await workload('web', c);
      await workload('web2', c);
      await patchSpec(s, { replicas: 2 });
      await settledAt(2);
      expect((await clusterNodes(s)).map((n) => n.metadata?.name ?? '').sort(), 'the unprotected Node went although it had more pods').to.deep.equal([a, b].sort());
      await patchSpec(s, { replicas: 1 });
      const blocked = await eventually('ScaleInBlocked', async () => {
        const sc = await s.get();
        return sc.status?.lastDecision?.reason === 'ScaleInBlocked' ? sc : undefined;
      }, 30_000);
      expect(blocked.status?.lastDecision?.message).to.contain('karpenter.sh/do-not-disrupt: "true"').and.to.contain('cluster-autoscaler.kubernetes.io/safe-to-evict: "false"');
      await new Promise((r) => setTimeout(r, 3000));
      expect(mode.removed(s)).to.have.length(1);
    });

    it('replicas raised back mid-drain: the Node is uncordoned and kept, nothing removed', async () => {
      const [a, b] = (await readyNodes(2, SCALE_IN)).map((n) => n.metadata?.name ?? '') as [string, string];
      // A pod that takes its time to leave (a finalizer holds it after the eviction), on the Node with
      // the fewest pods, so that Node is chosen and its drain stays in progress.
      await workload('slow', a, { finalizers: ['test.sandbox.dev/hold'] });
      await workload('web', b);
      await workload('web2', b);
      await patchSpec(s, { replicas: 1 });
      const draining = await eventually('a drain in progress', async () => {
        const sc = await s.get();
        return sc.status?.scaleIn?.removals?.[0]?.phase === 'Draining' ? sc.status.scaleIn.removals[0] : undefined;
      }, 30_000);
      await eventually('the Node cordoned', async () => (await clusterNodes(s)).find((n) => n.metadata?.name === draining.nodeName)?.spec?.unschedulable === true);
      await patchSpec(s, { replicas: 2 });
      await eventually('uncordoned', async () => {
        const node = (await clusterNodes(s)).find((n) => n.metadata?.name === draining.nodeName);
        const sc = await s.get();
        return node !== undefined && node.spec?.unschedulable !== true && sc.status?.scaleIn?.removals === undefined;
      }, 30_000);
      expect((await eventsWithReason(s, 'ScaleInAborted')).length).to.be.at.least(1);
      await new Promise((r) => setTimeout(r, 3000));
      expect(mode.removed(s)).to.deep.equal([]);
      expect(await clusterNodes(s)).to.have.length(2);
      // Let the held pod go, so the namespace can be cleaned up.
      for (const pod of (await s.core.listNamespacedPod({ namespace: s.ns })).items.filter((p) => (p.metadata?.finalizers ?? []).length > 0)) {
        await s.core.patchNamespacedPod({ name: pod.metadata?.name ?? '', namespace: s.ns, body: [{ op: 'remove', path: '/metadata/finalizers' }] });
      }
    });
  });
}
