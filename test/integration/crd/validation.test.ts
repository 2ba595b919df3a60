// The API server refuses invalid SandboxCapacity specs with a message that names the offending
// field, and accepts the edge values the documentation allows. Each row mutates a valid spec.
import { expect } from 'chai';
import { createTestNamespace } from '../../support/testbed.js';
import { baseSpec, manifest, refusalOf, SandboxCapacityClient } from './sandbox-capacity-api.js';

const REMOVE = Symbol('remove');
type Change = Record<string, unknown>;

/** Applies `{ 'a.b': value }` changes (paths relative to spec) to a fresh valid spec. */
function specWith(change: Change): Record<string, unknown> {
  const spec = baseSpec();
  for (const [path, value] of Object.entries(change)) {
    const names = path.split('.');
    const last = names.pop() ?? '';
    let parent = spec;
    for (const name of names) {
      parent[name] ??= {};
      parent = parent[name] as Record<string, unknown>;
    }
    if (value === REMOVE) Reflect.deleteProperty(parent, last);
    else parent[last] = value;
  }
  return spec;
}

const vsw = (n: number): string[] => Array.from({ length: n }, (_, i) => `vsw-zone${i}`);
const tags = (n: number): { key: string; value: string }[] => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
const secretRef = { name: 'worker-login', key: 'password' };

const refused: { name: string; field: string; change: Change }[] = [
  { name: 'negative replicas', field: 'spec.replicas', change: { replicas: -1 } },
  { name: 'replicas as a string', field: 'spec.replicas', change: { replicas: 'three' } },
  { name: 'missing replicas', field: 'spec.replicas', change: { replicas: REMOVE } },
  { name: 'missing clusterId', field: 'spec.clusterId', change: { clusterId: REMOVE } },
  { name: 'empty clusterId', field: 'spec.clusterId', change: { clusterId: '' } },
  { name: 'malformed clusterId', field: 'spec.clusterId', change: { clusterId: 'my-cluster' } },
  { name: 'missing regionId', field: 'spec.regionId', change: { regionId: REMOVE } },
  { name: 'empty regionId', field: 'spec.regionId', change: { regionId: '' } },
  { name: 'malformed regionId', field: 'spec.regionId', change: { regionId: 'Hangzhou' } },
  { name: 'a node pool without an id', field: 'spec.nodePool.id', change: { scaleOut: REMOVE, nodePool: { driftPolicy: 'Enforce' } } },
  { name: 'a malformed node pool id', field: 'spec.nodePool.id', change: { scaleOut: REMOVE, nodePool: { id: 'np 1' } } },
  { name: 'an unknown driftPolicy', field: 'spec.nodePool.driftPolicy', change: { scaleOut: REMOVE, nodePool: { id: 'np-a', driftPolicy: 'Ignore' } } },
  { name: 'missing vswitchIds', field: 'spec.scaleOut.vswitchIds', change: { 'scaleOut.vswitchIds': REMOVE } },
  { name: 'empty vswitchIds', field: 'spec.scaleOut.vswitchIds', change: { 'scaleOut.vswitchIds': [] } },
  { name: 'four vSwitches', field: 'spec.scaleOut.vswitchIds', change: { 'scaleOut.vswitchIds': vsw(4) } },
  { name: 'an empty vSwitch id', field: 'spec.scaleOut.vswitchIds[0]', change: { 'scaleOut.vswitchIds': [''] } },
  { name: 'a malformed vSwitch id', field: 'spec.scaleOut.vswitchIds[0]', change: { 'scaleOut.vswitchIds': ['subnet-1'] } },
  { name: 'a repeated vSwitch id', field: 'spec.scaleOut.vswitchIds[1]', change: { 'scaleOut.vswitchIds': ['vsw-a', 'vsw-a'] } },
  { name: 'vswitchIds as a string', field: 'spec.scaleOut.vswitchIds', change: { 'scaleOut.vswitchIds': 'vsw-a' } },
  { name: 'missing instanceTypes', field: 'spec.scaleOut.instanceTypes', change: { 'scaleOut.instanceTypes': REMOVE } },
  { name: 'empty instanceTypes', field: 'spec.scaleOut.instanceTypes', change: { 'scaleOut.instanceTypes': [] } },
  { name: 'a malformed instance type', field: 'spec.scaleOut.instanceTypes[0]', change: { 'scaleOut.instanceTypes': ['ebmg5s.24xlarge'] } },
  { name: 'both keyPair and loginPasswordSecretRef', field: 'spec.scaleOut.loginPasswordSecretRef', change: { 'scaleOut.loginPasswordSecretRef': secretRef } },
  { name: 'neither keyPair nor loginPasswordSecretRef', field: 'spec.scaleOut.keyPair', change: { 'scaleOut.keyPair': REMOVE } },
  { name: 'an empty keyPair', field: 'spec.scaleOut.keyPair', change: { 'scaleOut.keyPair': '' } },
  {
    name: 'a loginPasswordSecretRef without a name',
    field: 'spec.scaleOut.loginPasswordSecretRef.name',
    change: { 'scaleOut.keyPair': REMOVE, 'scaleOut.loginPasswordSecretRef': { key: 'password' } },
  },
  { name: 'a literal loginPassword', field: 'spec.scaleOut.loginPassword', change: { 'scaleOut.loginPassword': 'Hello@1234' } },
  { name: 'a literal password', field: 'spec.scaleOut.password', change: { 'scaleOut.password': 'Hello@1234' } },
  { name: 'a literal accessKeySecret', field: 'spec.credentials.accessKeySecret', change: { 'credentials.accessKeySecret': 'secret' } },
  { name: 'a literal accessKeyId', field: 'spec.credentials.accessKeyId', change: { 'credentials.accessKeyId': 'LTAI5t000' } },
  { name: 'a 199 GiB data disk', field: 'spec.scaleOut.dataDisk.size', change: { 'scaleOut.dataDisk.size': 199 } },
  { name: 'a 32769 GiB data disk', field: 'spec.scaleOut.dataDisk.size', change: { 'scaleOut.dataDisk.size': 32769 } },
  { name: 'a data disk size as a string', field: 'spec.scaleOut.dataDisk.size', change: { 'scaleOut.dataDisk.size': '200' } },
  { name: 'a cloud_essd data disk', field: 'spec.scaleOut.dataDisk.category', change: { 'scaleOut.dataDisk.category': 'cloud_essd' } },
  { name: 'a 19 GiB system disk', field: 'spec.scaleOut.systemDisk.size', change: { 'scaleOut.systemDisk.size': 19 } },
  { name: 'a 501 GiB system disk', field: 'spec.scaleOut.systemDisk.size', change: { 'scaleOut.systemDisk.size': 501 } },
  { name: 'a basic (cloud) system disk', field: 'spec.scaleOut.systemDisk.category', change: { 'scaleOut.systemDisk.category': 'cloud' } },
  { name: 'an unknown instanceChargeType', field: 'spec.scaleOut.instanceChargeType', change: { 'scaleOut.instanceChargeType': 'Spot' } },
  { name: '21 tags', field: 'spec.scaleOut.tags', change: { 'scaleOut.tags': tags(21) } },
  { name: 'an empty tag key', field: 'spec.scaleOut.tags[0].key', change: { 'scaleOut.tags': [{ key: '', value: 'v' }] } },
  { name: 'a 65-character tag key', field: 'spec.scaleOut.tags[0].key', change: { 'scaleOut.tags': [{ key: 'k'.repeat(65), value: 'v' }] } },
  { name: 'a 129-character tag value', field: 'spec.scaleOut.tags[0].value', change: { 'scaleOut.tags': [{ key: 'k', value: 'v'.repeat(129) }] } },
  { name: 'a tag key starting with aliyun', field: 'spec.scaleOut.tags[0].key', change: { 'scaleOut.tags': [{ key: 'aliyun-team', value: 'v' }] } },
  { name: 'a tag key starting with acs:', field: 'spec.scaleOut.tags[0].key', change: { 'scaleOut.tags': [{ key: 'acs:team', value: 'v' }] } },
  { name: 'a tag key starting with http://', field: 'spec.scaleOut.tags[0].key', change: { 'scaleOut.tags': [{ key: 'http://x', value: 'v' }] } },
  { name: 'a tag key starting with https://', field: 'spec.scaleOut.tags[0].key', change: { 'scaleOut.tags': [{ key: 'https://x', value: 'v' }] } },
  { name: 'a repeated tag key', field: 'spec.scaleOut.tags[1]', change: { 'scaleOut.tags': [{ key: 'team', value: 'a' }, { key: 'team', value: 'b' }] } },
  { name: 'maxNodesPerScaleOut 0', field: 'spec.limits.maxNodesPerScaleOut', change: { 'limits.maxNodesPerScaleOut': 0 } },
  {
    name: 'maxNodesPerScaleOut 501',
    field: 'spec.limits.maxNodesPerScaleOut',
    change: { 'limits.maxNodesPerScaleOut': 501, 'limits.maxInFlightNodes': 1000 },
  },
  { name: 'maxInFlightNodes 0', field: 'spec.limits.maxInFlightNodes', change: { 'limits.maxInFlightNodes': 0 } },
  {
    name: 'maxInFlightNodes below maxNodesPerScaleOut',
    field: 'spec.limits.maxInFlightNodes',
    change: { 'limits.maxNodesPerScaleOut': 30, 'limits.maxInFlightNodes': 20 },
  },
  { name: 'a taskTimeout in words', field: 'spec.limits.taskTimeout', change: { 'limits.taskTimeout': '30 minutes' } },
  { name: 'a zero taskTimeout', field: 'spec.limits.taskTimeout', change: { 'limits.taskTimeout': '0s' } },
  { name: 'a joinGracePeriod without unit', field: 'spec.limits.joinGracePeriod', change: { 'limits.joinGracePeriod': '600' } },
  { name: 'a negative backoff.initial', field: 'spec.backoff.initial', change: { 'backoff.initial': '-1s' } },
  { name: 'a zero backoff.initial', field: 'spec.backoff.initial', change: { 'backoff.initial': '0ms' } },
  { name: 'backoff.initial above backoff.max', field: 'spec.backoff.max', change: { backoff: { initial: '20m', max: '10m' } } },
  { name: 'an empty nodeSelector', field: 'spec.nodeSelector', change: { nodeSelector: {} } },
  {
    name: 'an In requirement without values',
    field: 'spec.nodeSelector.matchExpressions[0].values',
    change: { nodeSelector: { matchExpressions: [{ key: 'pool', operator: 'In' }] } },
  },
  {
    name: 'an unknown selector operator',
    field: 'spec.nodeSelector.matchExpressions[0].operator',
    change: { nodeSelector: { matchExpressions: [{ key: 'pool', operator: 'Gt', values: ['1'] }] } },
  },
  { name: 'paused as a string', field: 'spec.paused', change: { paused: 'yes' } },
  { name: 'an empty zoneLabel', field: 'spec.zoneLabel', change: { zoneLabel: '' } },
  { name: 'scaleIn.enabled as a string', field: 'spec.scaleIn.enabled', change: { 'scaleIn.enabled': 'yes' } },
  { name: 'a scaleIn.cooldown in words', field: 'spec.scaleIn.cooldown', change: { 'scaleIn.cooldown': 'ten minutes' } },
  { name: 'a zero scaleIn.maxNodesPerStep', field: 'spec.scaleIn.maxNodesPerStep', change: { 'scaleIn.maxNodesPerStep': 0 } },
  { name: 'a scaleIn.maxNodesPerStep above 100', field: 'spec.scaleIn.maxNodesPerStep', change: { 'scaleIn.maxNodesPerStep': 101 } },
  { name: 'a zero scaleIn.drainTimeout', field: 'spec.scaleIn.drainTimeout', change: { 'scaleIn.drainTimeout': '0s' } },
];

const accepted: { name: string; change: Change }[] = [
  { name: 'zero replicas', change: { replicas: 0 } },
  { name: 'three vSwitches', change: { 'scaleOut.vswitchIds': vsw(3) } },
  { name: 'a password by Secret reference only', change: { 'scaleOut.keyPair': REMOVE, 'scaleOut.loginPasswordSecretRef': secretRef } },
  { name: 'an instance type outside the sandbox list (ACK decides)', change: { 'scaleOut.instanceTypes': ['ecs.g7.2xlarge'] } },
  { name: 'the smallest disks', change: { 'scaleOut.dataDisk': { category: 'cloud', size: 200 }, 'scaleOut.systemDisk': { category: 'cloud_efficiency', size: 20 } } },
  { name: 'the largest disks', change: { 'scaleOut.dataDisk.size': 32768, 'scaleOut.systemDisk.size': 500 } },
  { name: '20 tags, reserved words not at the start, empty value', change: { 'scaleOut.tags': [...tags(18), { key: 'team-aliyun', value: '' }, { key: 'x-acs:', value: 'v' }] } },
  { name: 'PrePaid instances', change: { 'scaleOut.instanceChargeType': 'PrePaid' } },
  { name: 'the largest request size', change: { limits: { maxNodesPerScaleOut: 500, maxInFlightNodes: 500 } } },
  { name: 'compound and fractional durations', change: { limits: { taskTimeout: '1h30m', joinGracePeriod: '0s' }, backoff: { initial: '500ms', max: '1.5h' } } },
  { name: 'an Exists requirement without values', change: { nodeSelector: { matchExpressions: [{ key: 'pool', operator: 'Exists' }] } } },
  { name: 'credentials by Secret reference', change: { credentials: { secretRef: { name: 'ack-credentials' } } } },
  { name: 'scale-in enabled with a zero cooldown and 100 nodes per step', change: { scaleIn: { enabled: true, cooldown: '0s', maxNodesPerStep: 100, drainTimeout: '1h' } } },
];

describe('SandboxCapacity validation (real API server)', () => {
  let client: SandboxCapacityClient;

  before(async () => {
    client = new SandboxCapacityClient(await createTestNamespace('crd-validation'));
  });

  it('covers at least 20 refusals', () => {
    expect(refused.length).to.be.at.least(20);
  });

  refused.forEach(({ name, field, change }, i) => {
    it(`refuses ${name}, naming ${field}`, async () => {
      const refusal = await refusalOf(client.create(manifest(`refused-${i}`, specWith(change))));
      expect(refusal.code).to.equal(422);
      expect(refusal.message).to.include(`${field}:`);
      expect(refusal.causes.map((c) => c.field)).to.include(field);
    });
  });

  accepted.forEach(({ name, change }, i) => {
    it(`accepts ${name}`, async () => {
      const created = await client.create(manifest(`accepted-${i}`, specWith(change)));
      expect(created.metadata.generation).to.equal(1);
    });
  });

  const EXACTLY_ONE = 'exactly one of spec.scaleOut (ScaleOutCluster mode) and spec.nodePool (node-pool mode) must be set';

  it('refuses neither scaleOut nor nodePool, naming both fields', async () => {
    const refusal = await refusalOf(client.create(manifest('neither-mode', specWith({ scaleOut: REMOVE }))));
    expect(refusal.code).to.equal(422);
    expect(refusal.message).to.include(EXACTLY_ONE);
  });

  it('refuses both scaleOut and nodePool, naming both fields', async () => {
    const refusal = await refusalOf(client.create(manifest('both-modes', specWith({ nodePool: { id: 'np-a' } }))));
    expect(refusal.code).to.equal(422);
    expect(refusal.message).to.include(EXACTLY_ONE);
  });

  it('accepts node-pool mode alone and defaults driftPolicy to Enforce', async () => {
    const created = await client.create(manifest('pool-mode', specWith({ scaleOut: REMOVE, nodePool: { id: 'np-0123abcd' } })));
    expect(created.spec.nodePool).to.deep.equal({ id: 'np-0123abcd', driftPolicy: 'Enforce' });
    expect(created.spec.scaleOut).to.equal(undefined);
  });

  it('keeps refusing on update: a valid object cannot be edited into an invalid one', async () => {
    const created = await client.create(manifest('updated'));
    created.spec.scaleOut!.dataDisk.size = 100;
    const refusal = await refusalOf(client.replace(created));
    expect(refusal.message).to.include('spec.scaleOut.dataDisk.size:');
  });
});
