import { expect } from 'chai';
import { trimSandboxCapacity } from '../../../src/kube/informers.js';

describe('trimSandboxCapacity (what the informer caches of a SandboxCapacity)', () => {
  const stored = {
    apiVersion: 'capacity.sandbox.dev/v1alpha1',
    kind: 'SandboxCapacity',
    metadata: {
      name: 'sc', namespace: 'ns', uid: 'u', resourceVersion: '7', generation: 2, labels: { team: 'a' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"capacity.sandbox.dev/v1alpha1","kind":"SandboxCapacity"}', owner: 'ops' },
      managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': {} } }],
    },
    spec: { clusterId: 'c1', replicas: 3 },
    status: { readyReplicas: 3 },
  };

  it('drops managedFields and kubectl\'s last-applied copy, keeps everything else, and leaves the input as it was', () => {
    const input = structuredClone(stored);
    expect(trimSandboxCapacity(input)).to.deep.equal({
      ...stored,
      metadata: { name: 'sc', namespace: 'ns', uid: 'u', resourceVersion: '7', generation: 2, labels: { team: 'a' }, annotations: { owner: 'ops' } },
    });
    expect(input).to.deep.equal(stored);
  });

  it('keeps an object without them as it is', () => {
    const plain = { ...stored, metadata: { name: 'sc', namespace: 'ns', resourceVersion: '7' } };
    expect(trimSandboxCapacity(structuredClone(plain))).to.deep.equal(plain);
  });
});
