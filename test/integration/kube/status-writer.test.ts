import { expect } from 'chai';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION, type SandboxCapacity, type SandboxCapacityStatus } from '../../../src/api/sandbox-capacity.js';
import { classifyApiError, isConflict, isNotFound } from '../../../src/kube/api-errors.js';
import { createKubeClients } from '../../../src/kube/clients.js';
import { trimSandboxCapacity } from '../../../src/kube/informers.js';
import type { RawObject } from '../../../src/kube/list-watch-transport.js';
import { StatusWriter } from '../../../src/kube/status-writer.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';

function sandboxCapacity(name: string, namespace: string): Record<string, unknown> {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name, namespace },
    spec: {
      clusterId: 'c82e6987e2961451182edacd74faf0000',
      regionId: 'cn-hangzhou',
      replicas: 3,
      scaleOut: { vswitchIds: ['vsw-a'], instanceTypes: ['ecs.ebmg5s.24xlarge'], keyPair: 'ops-key' },
    },
  };
}

describe('StatusWriter (against a real API server)', () => {
  const clients = () => createKubeClients(testbed().kubeConfig);
  const status: SandboxCapacityStatus = {
    observedGeneration: 1,
    replicas: 1,
    readyReplicas: 1,
    inFlightReplicas: 2,
    conditions: [{ type: 'Ready', status: 'False', reason: 'ScalingOut', message: '2 nodes requested', lastTransitionTime: '2026-01-01T00:00:00Z' }],
  };

  async function create(namespace: string, name = 'workers'): Promise<SandboxCapacity> {
    return (await clients().customObjects.createNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace, plural: PLURAL, body: sandboxCapacity(name, namespace),
    })) as SandboxCapacity;
  }

  async function read(namespace: string, name = 'workers'): Promise<SandboxCapacity> {
    return (await clients().customObjects.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name })) as SandboxCapacity;
  }

  it('writes the status subresource and returns the object with its new resourceVersion', async () => {
    const ns = await createTestNamespace('status');
    const created = await create(ns);
    const writer = new StatusWriter(clients().customObjects);
    const result = await writer.writeStatus(created, status);
    expect(result.written).to.equal(true);
    expect(result.object.metadata.resourceVersion).to.not.equal(created.metadata.resourceVersion);
    const stored = await read(ns);
    expect(stored.status).to.deep.equal(status);
    expect(stored.metadata.resourceVersion).to.equal(result.object.metadata.resourceVersion);
    expect(created.status).to.equal(undefined);
  });

  it('makes no request when the status is already as desired', async () => {
    const ns = await createTestNamespace('status');
    const writer = new StatusWriter(clients().customObjects);
    const first = await writer.writeStatus(await create(ns), status);
    const second = await writer.writeStatus(first.object, structuredClone(status));
    expect(second.written).to.equal(false);
    expect(second.object).to.equal(first.object);
    expect((await read(ns)).metadata.resourceVersion).to.equal(first.object.metadata.resourceVersion);
  });

  it('refuses a write based on a stale copy with a conflict, leaving the stored status untouched', async () => {
    const ns = await createTestNamespace('status');
    const stale = await create(ns);
    const writer = new StatusWriter(clients().customObjects);
    await writer.writeStatus(stale, status);
    const error = await writer.writeStatus(stale, { ...status, inFlightReplicas: 9 }).then(() => undefined, (err: unknown) => err);
    expect(isConflict(error), `expected a conflict, got ${String(error)}`).to.equal(true);
    expect(classifyApiError(error)).to.equal('conflict');
    expect((await read(ns)).status?.inFlightReplicas).to.equal(2);
  });

  it('reports a deleted object as not found', async () => {
    const ns = await createTestNamespace('status');
    const created = await create(ns);
    await clients().customObjects.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, name: 'workers' });
    const error = await new StatusWriter(clients().customObjects).writeStatus(created, status).then(() => undefined, (err: unknown) => err);
    expect(isNotFound(error), `expected not found, got ${String(error)}`).to.equal(true);
  });

  it("writes from the informers' trimmed copy (no managedFields) and the server keeps its managedFields", async () => {
    const ns = await createTestNamespace('status');
    const created = await create(ns);
    const managers = (object: SandboxCapacity): string[] =>
      ((object.metadata as { managedFields?: { manager?: string; subresource?: string }[] }).managedFields ?? []).map((f) => `${f.manager}/${f.subresource ?? ''}`).sort();
    expect(managers(created)).to.have.length(1);
    const cached = trimSandboxCapacity(created as unknown as RawObject);
    expect(cached.metadata).to.not.have.property('managedFields');
    await new StatusWriter(clients().customObjects, 'status-test').writeStatus(cached, status);
    const stored = await read(ns);
    expect(stored.status).to.deep.equal(status);
    expect(managers(stored)).to.deep.equal([...managers(created), 'status-test/status'].sort());
  });
});
