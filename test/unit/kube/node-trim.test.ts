import { expect } from 'chai';
import { isNodeReady, sameForController, trimNode } from '../../../src/kube/node-trim.js';
import type { RawObject } from '../../../src/kube/list-watch-transport.js';

function fullNode(): RawObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'cn-hangzhou.10.0.0.7',
      uid: 'u-1',
      resourceVersion: '4711',
      creationTimestamp: '2026-01-01T00:00:00Z',
      deletionTimestamp: '2026-01-02T00:00:00Z',
      labels: { 'alibabacloud.com/container-runtime': 'Sandboxed-Container.runv', 'topology.kubernetes.io/zone': 'cn-hangzhou-k' },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', big: 'x'.repeat(5000) },
      managedFields: [{ manager: 'kubelet', fieldsV1: { f: 'x'.repeat(5000) } }],
      finalizers: ['f'],
    },
    spec: { providerID: 'cn-hangzhou.i-abc', podCIDR: '10.1.0.0/24', taints: [{ key: 'k', effect: 'NoSchedule' }] },
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastTransitionTime: '2026-01-01T00:01:00Z', lastHeartbeatTime: '2026-01-01T00:09:00Z' },
      ],
      images: [{ names: ['registry/huge-image:1'], sizeBytes: 1 }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.7' }],
      capacity: { cpu: '96' },
      nodeInfo: { kubeletVersion: 'v1.34.0' },
    },
  };
}

describe('trimNode', () => {
  it('keeps exactly identity, labels, timestamps, providerID and the Ready condition', () => {
    expect(trimNode(fullNode())).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'cn-hangzhou.10.0.0.7',
        uid: 'u-1',
        resourceVersion: '4711',
        creationTimestamp: '2026-01-01T00:00:00Z',
        deletionTimestamp: '2026-01-02T00:00:00Z',
        labels: { 'alibabacloud.com/container-runtime': 'Sandboxed-Container.runv', 'topology.kubernetes.io/zone': 'cn-hangzhou-k' },
      },
      spec: { providerID: 'cn-hangzhou.i-abc' },
      status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:01:00Z' }] },
    });
  });

  it('is a small fraction of the full object', () => {
    const full = JSON.stringify(fullNode()).length;
    const trimmed = JSON.stringify(trimNode(fullNode())).length;
    expect(trimmed).to.be.below(full / 10);
  });

  it('copies the label map instead of keeping the original object alive', () => {
    const node = fullNode();
    const trimmed = trimNode(node);
    expect(trimmed.metadata.labels).to.not.equal((node.metadata as { labels: unknown }).labels);
  });

  it('handles a node without conditions, labels or providerID (just registered)', () => {
    expect(trimNode({ metadata: { name: 'n' } })).to.deep.equal({
      apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: {}, status: { conditions: [] },
    });
  });

  it('accepts Date timestamps (typed client objects) and writes them as RFC 3339 strings', () => {
    const trimmed = trimNode({ metadata: { name: 'n', creationTimestamp: new Date('2026-03-04T05:06:07Z') } });
    expect(trimmed.metadata.creationTimestamp).to.equal('2026-03-04T05:06:07.000Z');
  });

  it('treats null times (how the server writes unset ones) as absent', () => {
    const trimmed = trimNode({ metadata: { name: 'n', creationTimestamp: null }, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: null }] } });
    expect(trimmed.metadata).to.deep.equal({ name: 'n' });
    expect(trimmed.status.conditions).to.deep.equal([{ type: 'Ready', status: 'True' }]);
  });

  it('maps unexpected Ready statuses to Unknown', () => {
    const trimmed = trimNode({ metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'Maybe' }] } });
    expect(trimmed.status.conditions).to.deep.equal([{ type: 'Ready', status: 'Unknown' }]);
  });

  it('isNodeReady is true only for Ready=True', () => {
    const ready = trimNode(fullNode());
    const notReady = trimNode({ metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } });
    const unknown = trimNode({ metadata: { name: 'n' } });
    expect([isNodeReady(ready), isNodeReady(notReady), isNodeReady(unknown)]).to.deep.equal([true, false, false]);
  });
});

describe('sameForController', () => {
  const versionOf = (change: (node: RawObject & { metadata: Record<string, unknown>; status: { conditions: Record<string, unknown>[] } }) => void): ReturnType<typeof trimNode> => {
    const node = fullNode() as RawObject & { metadata: Record<string, unknown>; status: { conditions: Record<string, unknown>[] } };
    node.metadata.resourceVersion = '4712';
    change(node);
    return trimNode(node);
  };

  it('a kubelet heartbeat (new resourceVersion and heartbeat time only) is the same Node to the controller', () => {
    const heartbeat = versionOf((n) => { (n.status.conditions[1] as Record<string, unknown>).lastHeartbeatTime = '2026-01-01T00:14:00Z'; });
    expect(sameForController(trimNode(fullNode()), heartbeat)).to.equal(true);
  });

  it('a label, a Ready flip, a deletion or a providerID is a change', () => {
    const before = trimNode(fullNode());
    expect(sameForController(before, versionOf((n) => { n.metadata.labels = { other: 'x' }; }))).to.equal(false);
    expect(sameForController(before, versionOf((n) => { Object.assign(n.status.conditions[1] as object, { status: 'False', lastTransitionTime: '2026-01-01T00:15:00Z' }); }))).to.equal(false);
    expect(sameForController(before, versionOf((n) => { delete n.metadata.deletionTimestamp; }))).to.equal(false);
    expect(sameForController(before, versionOf((n) => { (n as unknown as { spec: Record<string, unknown> }).spec.providerID = 'cn-hangzhou.i-other'; }))).to.equal(false);
  });
});
