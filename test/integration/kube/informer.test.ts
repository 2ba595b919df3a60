import { CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION, type SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { createKubeClients } from '../../../src/kube/clients.js';
import type { Informer } from '../../../src/kube/informer.js';
import { createNodeInformer, createSandboxCapacityInformer } from '../../../src/kube/informers.js';
import type { TrimmedNode } from '../../../src/kube/node-trim.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';
import { silentLogger, waitFor } from './helpers.js';

function node(name: string, labels: Record<string, string>): V1Node {
  return {
    metadata: { name, labels, annotations: { 'example.com/bulky': 'x'.repeat(2000) } },
    spec: { providerID: `cn-hangzhou.i-${name}`, podCIDR: '10.244.0.0/24' },
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'ok' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      capacity: { cpu: '96', memory: '384Gi' },
    },
  };
}

function sandboxCapacity(name: string, namespace: string, replicas: number): Record<string, unknown> {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name, namespace },
    spec: {
      clusterId: 'c82e6987e2961451182edacd74faf0000',
      regionId: 'cn-hangzhou',
      replicas,
      scaleOut: { vswitchIds: ['vsw-a'], instanceTypes: ['ecs.ebmg5s.24xlarge'], keyPair: 'ops-key' },
    },
  };
}

describe('Informer (against a real API server)', () => {
  const informers: Informer<never>[] = [];
  const createdNodes: string[] = [];
  let core: CoreV1Api;

  function track<T extends Informer<never>>(informer: T): T {
    informers.push(informer);
    informer.start();
    return informer;
  }

  async function createNode(name: string, labels: Record<string, string>): Promise<void> {
    createdNodes.push(name);
    await core.createNode({ body: node(name, labels) });
  }

  beforeEach(() => { core = testbed().kubeConfig.makeApiClient(CoreV1Api); });

  afterEach(async () => {
    await Promise.all(informers.splice(0).map((i) => i.stop()));
    await Promise.all(createdNodes.splice(0).map((name) => core.deleteNode({ name }).catch(() => undefined)));
  });

  it('syncs label-selected Nodes, trimmed, and follows their add, update and delete', async () => {
    const run = randomBytes(3).toString('hex');
    const selector = `test.sandbox.dev/run=${run}`;
    await createNode(`pre-${run}`, { 'test.sandbox.dev/run': run, 'topology.kubernetes.io/zone': 'cn-hangzhou-k' });
    await createNode(`other-${run}`, { 'test.sandbox.dev/run': 'someone-else' });

    const seen: string[] = [];
    const informer = createNodeInformer({ transport: createKubeClients(testbed().kubeConfig).transport, labelSelector: selector, logger: silentLogger() });
    informer.addHandlers({
      add: (n) => seen.push(`add ${n.metadata.name}`),
      update: (_old, n) => seen.push(`update ${n.metadata.name} ${n.metadata.labels?.color ?? ''}`),
      delete: (n) => seen.push(`delete ${n.metadata.name}`),
    });
    track(informer as unknown as Informer<never>);
    await informer.synced;
    expect(informer.list().map((n) => n.metadata.name)).to.deep.equal([`pre-${run}`]);

    const trimmed = informer.get(`pre-${run}`);
    expect(Object.keys(trimmed ?? {}).sort()).to.deep.equal(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(Object.keys(trimmed?.metadata ?? {}).sort()).to.deep.equal(['creationTimestamp', 'labels', 'name', 'resourceVersion', 'uid']);
    expect(trimmed?.spec).to.deep.equal({ providerID: `cn-hangzhou.i-pre-${run}` });
    expect(trimmed?.status.conditions.map((c) => [c.type, c.status])).to.deep.equal([['Ready', 'True']]);
    expect(trimmed?.metadata.creationTimestamp).to.be.a('string');
    expect(trimmed?.metadata.labels).to.deep.equal({ 'test.sandbox.dev/run': run, 'topology.kubernetes.io/zone': 'cn-hangzhou-k' });

    await createNode(`new-${run}`, { 'test.sandbox.dev/run': run });
    await waitFor('the new node in the cache', () => informer.get(`new-${run}`) !== undefined);
    const added = informer.get(`new-${run}`) as TrimmedNode;
    expect(Object.keys(added.metadata).sort()).to.deep.equal(['creationTimestamp', 'labels', 'name', 'resourceVersion', 'uid']);

    await core.patchNode({ name: `new-${run}`, body: [{ op: 'add', path: '/metadata/labels/color', value: 'blue' }] });
    await waitFor('the label update', () => informer.get(`new-${run}`)?.metadata.labels?.color === 'blue');

    await core.deleteNode({ name: `pre-${run}` });
    await waitFor('the deletion', () => informer.get(`pre-${run}`) === undefined);
    expect(seen).to.deep.equal([`add pre-${run}`, `add new-${run}`, `update new-${run} blue`, `delete pre-${run}`]);
    expect(informer.restarts).to.equal(0);
  });

  it('syncs SandboxCapacities of one namespace and follows add, update and delete', async () => {
    const ns = await createTestNamespace('informer');
    const otherNs = await createTestNamespace('informer');
    const { customObjects, transport } = createKubeClients(testbed().kubeConfig);
    const params = { group: GROUP, version: VERSION, plural: PLURAL };
    await customObjects.createNamespacedCustomObject({ ...params, namespace: ns, body: sandboxCapacity('first', ns, 1) });
    await customObjects.createNamespacedCustomObject({ ...params, namespace: otherNs, body: sandboxCapacity('elsewhere', otherNs, 1) });

    const informer = createSandboxCapacityInformer({ transport, namespace: ns, logger: silentLogger() });
    const seen: string[] = [];
    informer.addHandlers({
      add: (o) => seen.push(`add ${o.metadata.name}`),
      update: (a, b) => seen.push(`update ${b.metadata.name} ${a.spec.replicas}->${b.spec.replicas}`),
      delete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    track(informer as unknown as Informer<never>);
    await informer.synced;
    expect(informer.hasSynced()).to.equal(true);
    const first = informer.get(`${ns}/first`) as SandboxCapacity;
    expect(first.apiVersion).to.equal(API_VERSION);
    expect(first.kind).to.equal(KIND);
    expect(first.spec.limits.maxNodesPerScaleOut).to.equal(20);

    await customObjects.createNamespacedCustomObject({ ...params, namespace: ns, body: sandboxCapacity('second', ns, 2) });
    await customObjects.patchNamespacedCustomObject({ ...params, namespace: ns, name: 'first', body: [{ op: 'replace', path: '/spec/replicas', value: 5 }] });
    await customObjects.deleteNamespacedCustomObject({ ...params, namespace: ns, name: 'second' });
    await waitFor('all three changes', () => seen.length >= 4);
    expect(seen).to.deep.equal(['add first', 'add second', 'update first 1->5', 'delete second']);
    expect(informer.list().map((o) => o.metadata.name)).to.deep.equal(['first']);
  });

  it('sees SandboxCapacities of all namespaces when no namespace is given', async () => {
    const a = await createTestNamespace('informer');
    const b = await createTestNamespace('informer');
    const { customObjects, transport } = createKubeClients(testbed().kubeConfig);
    const params = { group: GROUP, version: VERSION, plural: PLURAL };
    await customObjects.createNamespacedCustomObject({ ...params, namespace: a, body: sandboxCapacity('x', a, 1) });
    const informer = track(createSandboxCapacityInformer({ transport, logger: silentLogger() }) as unknown as Informer<never>) as unknown as Informer<SandboxCapacity>;
    await informer.synced;
    expect(informer.get(`${a}/x`)).to.not.equal(undefined);
    await customObjects.createNamespacedCustomObject({ ...params, namespace: b, body: sandboxCapacity('y', b, 1) });
    await waitFor('the object in the second namespace', () => informer.get(`${b}/y`) !== undefined);
  });

  it('recovers when the API server restarts: keeps its cache and sees objects created afterwards', async function () {
    this.timeout(180_000);
    const tb = testbed();
    const run = randomBytes(3).toString('hex');
    const informer = createNodeInformer({
      transport: createKubeClients(tb.kubeConfig, { requestTimeoutMs: 5_000 }).transport,
      labelSelector: `test.sandbox.dev/run=${run}`,
      logger: silentLogger(),
      backoff: { initialMs: 200, maxMs: 2_000 },
    });
    await createNode(`before-${run}`, { 'test.sandbox.dev/run': run });
    track(informer as unknown as Informer<never>);
    await informer.synced;
    expect(informer.list()).to.have.length(1);

    await tb.restartApiServer();
    core = tb.kubeConfig.makeApiClient(CoreV1Api);
    await createNode(`after-${run}`, { 'test.sandbox.dev/run': run });
    await waitFor('the node created after the restart', () => informer.get(`after-${run}`) !== undefined, 60_000);
    expect(informer.get(`before-${run}`)).to.not.equal(undefined);
    expect(informer.restarts, 'the outage went through the restart path').to.be.at.least(1);

    await core.deleteNode({ name: `before-${run}` });
    await waitFor('the deletion after the restart', () => informer.get(`before-${run}`) === undefined, 30_000);
  });
});
