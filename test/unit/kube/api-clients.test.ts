import { expect } from 'chai';
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, V1MicroTime, type KubeConfig } from '@kubernetes/client-node';
import { createApiConfiguration, createKubeClients } from '../../../src/kube/clients.js';
import { RecordingServer } from './recording-server.js';

type Apis = Pick<ReturnType<typeof createKubeClients>, 'core' | 'coordination' | 'customObjects'>;

/** client-node's own generated classes, configured like the operator's clients (timeout, User-Agent). */
function typedApis(kc: KubeConfig): Apis {
  const configuration = createApiConfiguration(kc);
  return { core: new CoreV1Api(configuration), coordination: new CoordinationV1Api(configuration), customObjects: new CustomObjectsApi(configuration) };
}

/** Class instances to plain objects, undefined fields dropped (the typed clients set every known field); Dates stay Dates. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
}

const metadata = (name: string, namespace = 'ns-1') => ({
  name, namespace, uid: '6c1f0a52-2f0e-4d1c-9d0b-1c2d3e4f5a6b', resourceVersion: '4711',
  creationTimestamp: '2026-11-28T10:00:00Z',
  managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-11-28T10:00:01Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }],
});

const secret = { kind: 'Secret', apiVersion: 'v1', metadata: metadata('ack-credentials'), type: 'Opaque', data: { AccessKeyId: 'a2V5' } };
const event = {
  kind: 'Event', apiVersion: 'v1', metadata: metadata('sc.18a2b3c4d5e6f708'), involvedObject: { kind: 'SandboxCapacity', namespace: 'ns-1', name: 'sc', uid: 'u-1' },
  reason: 'ScaleOutRequested', message: 'asked ACK for 3 nodes', type: 'Normal', count: 2,
  firstTimestamp: '2026-11-28T10:00:00Z', lastTimestamp: '2026-11-28T10:05:00Z', eventTime: null, source: { component: 'sandbox-capacity-operator' },
  reportingComponent: 'sandbox-capacity-operator', reportingInstance: 'pod-1',
};
const lease = {
  kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', metadata: metadata('sandbox-capacity-operator'),
  spec: { holderIdentity: 'pod-1', leaseDurationSeconds: 15, acquireTime: '2026-11-28T10:00:00.123000Z', renewTime: '2026-11-28T10:00:10.456000Z', leaseTransitions: 3 },
};
const capacity = {
  apiVersion: 'capacity.sandbox.dev/v1alpha1', kind: 'SandboxCapacity', metadata: metadata('sc'),
  spec: { replicas: 3 }, status: { readyReplicas: 3, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-28T10:00:00Z' }] },
};
const leaseBody = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'sandbox-capacity-operator', namespace: 'ns-1' }, spec: { holderIdentity: 'pod-1', leaseDurationSeconds: 15, renewTime: new V1MicroTime(Date.UTC(2026, 10, 28, 10, 0, 10, 456)) } };
const customObject = { group: 'capacity.sandbox.dev', version: 'v1alpha1', namespace: 'ns-1', plural: 'sandboxcapacities', name: 'sc' };

const CALLS: { name: string; answer: unknown; call: (apis: Apis) => Promise<unknown> }[] = [
  { name: 'CoreV1Api.readNamespacedSecret', answer: secret, call: (a) => a.core.readNamespacedSecret({ name: 'ack-credentials', namespace: 'ns-1' }) },
  {
    name: 'CoreV1Api.createNamespacedEvent', answer: event,
    call: (a) => a.core.createNamespacedEvent({ namespace: 'ns-1', body: { ...event, metadata: { name: event.metadata.name, namespace: 'ns-1' }, firstTimestamp: new Date(event.firstTimestamp), lastTimestamp: new Date(event.lastTimestamp), eventTime: undefined } }),
  },
  {
    name: 'CoreV1Api.patchNamespacedEvent', answer: event,
    call: (a) => a.core.patchNamespacedEvent({ name: event.metadata.name, namespace: 'ns-1', body: [{ op: 'replace', path: '/count', value: 2 }] }),
  },
  { name: 'CoordinationV1Api.readNamespacedLease', answer: lease, call: (a) => a.coordination.readNamespacedLease({ name: 'sandbox-capacity-operator', namespace: 'ns-1' }) },
  { name: 'CoordinationV1Api.createNamespacedLease', answer: lease, call: (a) => a.coordination.createNamespacedLease({ namespace: 'ns-1', body: leaseBody }) },
  {
    name: 'CoordinationV1Api.replaceNamespacedLease', answer: lease,
    call: (a) => a.coordination.replaceNamespacedLease({ name: 'sandbox-capacity-operator', namespace: 'ns-1', body: { ...leaseBody, metadata: { ...leaseBody.metadata, resourceVersion: '4711' } } }),
  },
  { name: 'CustomObjectsApi.getNamespacedCustomObject', answer: capacity, call: (a) => a.customObjects.getNamespacedCustomObject(customObject) },
  {
    name: 'CustomObjectsApi.replaceNamespacedCustomObjectStatus', answer: capacity,
    call: (a) => a.customObjects.replaceNamespacedCustomObjectStatus({ ...customObject, body: capacity, fieldManager: 'sandbox-capacity-operator' }),
  },
];

describe("the operator's API calls without client-node's generated clients (api-clients.ts)", () => {
  const server = new RecordingServer();
  let lean: Apis;
  let typed: Apis;

  before(async () => {
    await server.start();
    lean = createKubeClients(server.kubeConfig());
    typed = typedApis(server.kubeConfig());
  });
  after(async () => { await server.stop(); });

  for (const { name, answer, call } of CALLS) {
    it(`${name}: sends the request client-node's typed client sends and returns what it returns`, async () => {
      server.answer = () => ({ status: 200, body: answer });
      const fromLean = await call(lean);
      const fromTyped = await call(typed);
      const [leanRequest, typedRequest] = server.requests.splice(-2);
      expect(leanRequest).to.deep.equal(typedRequest);
      expect(leanRequest?.authorization).to.equal('Bearer test-token');
      expect(plain(fromLean)).to.deep.equal(plain(fromTyped));
    });
  }

  it('turns the Date fields of the models into Dates and leaves MicroTime fields as strings, as the typed clients do', async () => {
    server.answer = () => ({ status: 200, body: event });
    const created = await lean.core.createNamespacedEvent({ namespace: 'ns-1', body: {} as never });
    expect(created.lastTimestamp).to.be.instanceOf(Date);
    expect(created.metadata.creationTimestamp).to.be.instanceOf(Date);
    expect(created.metadata.managedFields?.[0]?.time).to.be.instanceOf(Date);
    server.answer = () => ({ status: 200, body: lease });
    const read = await lean.coordination.readNamespacedLease({ name: 'x', namespace: 'ns-1' });
    expect(read.spec?.renewTime).to.equal('2026-11-28T10:00:10.456000Z');
  });

  it('fails like the typed client on an error answer: an ApiException with the code and the Status body', async () => {
    const status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'secrets "gone" not found', reason: 'NotFound', code: 404 };
    server.answer = () => ({ status: 404, body: status });
    const failure = async (apis: Apis): Promise<{ code?: unknown; body?: unknown }> => {
      try {
        await apis.core.readNamespacedSecret({ name: 'gone', namespace: 'ns-1' });
      } catch (err) {
        return err as { code?: unknown; body?: unknown };
      }
      throw new Error('expected a failure');
    };
    const [fromLean, fromTyped] = [await failure(lean), await failure(typed)];
    expect(fromLean.code).to.equal(404);
    expect(JSON.parse(String(fromLean.body))).to.deep.equal(status);
    expect({ code: fromLean.code, body: fromLean.body }).to.deep.equal({ code: fromTyped.code, body: fromTyped.body });
  });

  it('names a missing path parameter instead of sending the request', async () => {
    const before = server.requests.length;
    let message = '';
    await lean.core.readNamespacedSecret({ name: '', namespace: 'ns-1' }).catch((err: unknown) => { message = String(err); });
    expect(message).to.include('Required parameter name').and.include('CoreV1Api.readNamespacedSecret');
    expect(server.requests.length).to.equal(before);
  });

  it("answers every other method through client-node's own class, loaded on first use", async () => {
    server.answer = () => ({ status: 200, body: { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '9' }, items: [{ metadata: { name: 'p', creationTimestamp: '2026-11-28T10:00:00Z' } }] } });
    const pods = await lean.core.listNamespacedPod({ namespace: 'ns-1', limit: 5 });
    expect(server.requests.at(-1)).to.include({ method: 'GET', url: '/api/v1/namespaces/ns-1/pods?limit=5' });
    expect(pods.items[0]?.metadata?.creationTimestamp).to.be.instanceOf(Date);
    // Not a thenable, or returning a client from an async function would call through to client-node.
    expect((lean.core as unknown as { then?: unknown }).then).to.equal(undefined);
  });
});
