import { expect } from 'chai';
import { INTENT_TAG_KEY, OWNER_TAG_KEY, type ScaleOutTemplate } from '../../../src/api/sandbox-capacity.js';
import { buildScaleOutBody } from '../../../src/cloud/scale-out-body.js';

const template: ScaleOutTemplate = {
  vswitchIds: ['vsw-a', 'vsw-b'],
  instanceTypes: ['ecs.ebmg5s.24xlarge'],
  keyPair: 'ops-key',
  dataDisk: { category: 'cloud_efficiency', size: 200 },
  systemDisk: { category: 'cloud_ssd', size: 120 },
  instanceChargeType: 'PostPaid',
  tags: [{ key: 'team', value: 'sandbox' }],
  disableRollback: false,
};

describe('ScaleOutCluster body', () => {
  it('carries the seed document\'s sandbox fields with ACK\'s wire names', () => {
    const body = buildScaleOutBody({ template, count: 3, vswitchIds: ['vsw-b'], intentId: 'i-1', owner: 'sandbox-system.workers' });
    expect(body).to.deep.equal({
      count: 3,
      key_pair: 'ops-key',
      vswitch_ids: ['vsw-b'],
      worker_instance_types: ['ecs.ebmg5s.24xlarge'],
      worker_instance_charge_type: 'PostPaid',
      worker_system_disk_category: 'cloud_ssd',
      worker_system_disk_size: 120,
      worker_data_disk: true,
      worker_data_disk_category: 'cloud_efficiency',
      worker_data_disk_size: 200,
      tags: [{ key: 'team', value: 'sandbox' }, { key: INTENT_TAG_KEY, value: 'i-1' }, { key: OWNER_TAG_KEY, value: 'sandbox-system.workers' }],
      disable_rollback: false,
    });
  });

  it('sends the login password instead of the key pair when one is given, and never both', () => {
    const body = buildScaleOutBody({ template: { ...template, keyPair: undefined }, count: 1, vswitchIds: ['vsw-a'], intentId: 'x', owner: 'o', loginPassword: 'Hello@1234' });
    expect(body.login_password).to.equal('Hello@1234');
    expect(body).to.not.have.property('key_pair');
  });

  it('lets no user tag impersonate the intent or the owner marker', () => {
    const body = buildScaleOutBody({
      template: { ...template, tags: [{ key: INTENT_TAG_KEY, value: 'forged' }, { key: OWNER_TAG_KEY, value: 'someone-else' }] }, count: 1, vswitchIds: ['vsw-a'], intentId: 'real', owner: 'ns.me',
    });
    expect(body.tags).to.deep.equal([{ key: INTENT_TAG_KEY, value: 'real' }, { key: OWNER_TAG_KEY, value: 'ns.me' }]);
  });
});
