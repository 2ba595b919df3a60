import { expect } from 'chai';
import type { V1Node } from '@kubernetes/client-node';
import { parseInstanceId, toObservedNode } from '../../../src/controller/core/nodes.js';

const ZONE = 'topology.kubernetes.io/zone';

function v1Node(overrides: { providerID?: string; labels?: Record<string, string>; ready?: string; deletionTimestamp?: Date }): V1Node {
  const node: V1Node = {
    metadata: { name: 'cn-hangzhou.192.168.0.36', labels: overrides.labels ?? {} },
    spec: {},
    status: { conditions: [{ type: 'MemoryPressure', status: 'False' }] },
  };
  if (overrides.providerID !== undefined) node.spec = { providerID: overrides.providerID };
  if (overrides.ready !== undefined) node.status?.conditions?.push({ type: 'Ready', status: overrides.ready });
  if (overrides.deletionTimestamp !== undefined && node.metadata !== undefined) node.metadata.deletionTimestamp = overrides.deletionTimestamp;
  return node;
}

describe('controller/core nodes', () => {
  const ids: [string | undefined, string | undefined][] = [
    ['cn-zhangjiakou.i-8vb2y0cdlriptkfer0ir', 'i-8vb2y0cdlriptkfer0ir'],
    ['alicloud://cn-hangzhou.i-2vcckdmxp7u0urj2abcd', 'i-2vcckdmxp7u0urj2abcd'],
    ['aws:///us-east-1a/i-0abc', undefined],
    ['kind://docker/kind/kind-worker', undefined],
    ['i-noregion', undefined],
    ['cn-hangzhou.', undefined],
    ['.i-abc', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [providerID, expected] of ids) {
    it(`parses providerID ${JSON.stringify(providerID)} → ${JSON.stringify(expected)}`, () => {
      expect(parseInstanceId(providerID)).to.equal(expected);
    });
  }

  it('maps a ready node with zone and provider id', () => {
    const observed = toObservedNode(v1Node({ providerID: 'cn-hangzhou.i-abc', labels: { [ZONE]: 'cn-hangzhou-h' }, ready: 'True' }), ZONE);
    expect(observed).to.deep.equal({ name: 'cn-hangzhou.192.168.0.36', instanceId: 'i-abc', zone: 'cn-hangzhou-h', ready: true, deleting: false });
  });

  it('a node whose Ready condition is Unknown or missing is not ready', () => {
    expect(toObservedNode(v1Node({ ready: 'Unknown' }), ZONE).ready).to.equal(false);
    expect(toObservedNode(v1Node({}), ZONE).ready).to.equal(false);
  });

  it('a node with a deletionTimestamp is deleting', () => {
    expect(toObservedNode(v1Node({ ready: 'True', deletionTimestamp: new Date(0) }), ZONE).deleting).to.equal(true);
  });

  it('reads the zone from the configured label only', () => {
    const observed = toObservedNode(v1Node({ labels: { [ZONE]: 'cn-hangzhou-h', 'custom/zone': 'z1' } }), 'custom/zone');
    expect(observed.zone).to.equal('z1');
    expect(toObservedNode(v1Node({ labels: { [ZONE]: '' } }), ZONE)).to.not.have.property('zone');
  });
});
