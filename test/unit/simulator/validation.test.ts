import { expect } from 'chai';
import { isAcceptablePassword } from '../../../src/simulator/credential-rules.js';
import { AckError } from '../../../src/simulator/errors.js';
import { validateScaleOut, type ScaleOutRules } from '../../../src/simulator/validation.js';
import { seedSandboxBody } from './support/sdk.js';

const SANDBOX: ScaleOutRules = { sandbox: true, maxNodesPerCall: 500 };

function refusal(body: Record<string, unknown>, rules = SANDBOX): AckError {
  try {
    validateScaleOut(body, rules);
  } catch (error) {
    expect(error).to.be.instanceOf(AckError);
    return error as AckError;
  }
  throw new Error('expected the request to be refused');
}

function expectRefused(body: Record<string, unknown>, field: string, rules = SANDBOX): void {
  const error = refusal(body, rules);
  expect(error.status).to.equal(400);
  expect(error.code).to.equal('InvalidParameter');
  expect(error.message).to.include(field);
}

function withoutKey(key: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.fromEntries(Object.entries(seedSandboxBody(overrides)).filter(([name]) => name !== key));
}

describe('simulator ScaleOutCluster rules (seed document)', () => {
  it('accepts the seed example and normalises it', () => {
    const request = validateScaleOut(seedSandboxBody({ tags: [{ key: 'team', value: 'sandbox' }] }), SANDBOX);
    expect(request).to.deep.include({
      count: 1,
      vswitchIds: ['vsw-2zes3rfz7bmk0nxxxxxxx'],
      instanceTypes: ['ecs.ebmg5s.24xlarge'],
      chargeType: 'PostPaid',
      hasLoginPassword: true,
      dataDisks: [{ category: 'cloud_efficiency', size: 200 }],
      systemDisk: { category: 'cloud_efficiency', size: 120 },
      tags: [{ key: 'team', value: 'sandbox' }],
      disableRollback: false,
    });
  });

  it('ignores unknown keys', () => {
    expect(validateScaleOut(seedSandboxBody({ something_new: { nested: true } }), SANDBOX).count).to.equal(1);
  });

  describe('count', () => {
    it('refuses 0, a fraction, a string and a missing count', () => {
      expectRefused(seedSandboxBody({ count: 0 }), 'count');
      expectRefused(seedSandboxBody({ count: 1.5 }), 'count');
      expectRefused(seedSandboxBody({ count: '2' }), 'count');
      expectRefused(withoutKey('count'), 'count');
    });

    it('accepts the configured per-call maximum and refuses one more', () => {
      expect(validateScaleOut(seedSandboxBody({ count: 500 }), SANDBOX).count).to.equal(500);
      expectRefused(seedSandboxBody({ count: 501 }), 'count');
      expectRefused(seedSandboxBody({ count: 4 }), 'count', { sandbox: true, maxNodesPerCall: 3 });
    });
  });

  describe('key_pair / login_password', () => {
    it('refuses both and neither', () => {
      expectRefused(seedSandboxBody({ key_pair: 'ops-key' }), 'key_pair');
      expectRefused(withoutKey('login_password'), 'key_pair');
    });

    it('accepts a key pair alone', () => {
      const request = validateScaleOut(withoutKey('login_password', { key_pair: 'ops-key' }), SANDBOX);
      expect(request).to.include({ keyPair: 'ops-key', hasLoginPassword: false });
    });

    it('refuses passwords shorter than 8, longer than 30, or with fewer than 3 character classes', () => {
      for (const password of ['Ab1@xyz', `Ab1@${'x'.repeat(27)}`, 'abcdefgh12', 'ABCDEFGH!!', 'Ab1 cdefgh']) {
        const error = refusal(seedSandboxBody({ login_password: password }));
        expect(error.message).to.include('login_password');
        expect(error.message, 'never echoes the password').not.to.include(password);
      }
    });

    it('accepts 8 and 30 characters with exactly 3 character classes', () => {
      expect(isAcceptablePassword('Abcdefg1')).to.equal(true);
      expect(isAcceptablePassword(`abc1@${'d'.repeat(25)}`)).to.equal(true);
      expect(isAcceptablePassword('abcdefg1')).to.equal(false);
    });
  });

  describe('vswitch_ids', () => {
    it('refuses none, four, duplicates and a missing list', () => {
      expectRefused(seedSandboxBody({ vswitch_ids: [] }), 'vswitch_ids');
      expectRefused(seedSandboxBody({ vswitch_ids: ['vsw-a', 'vsw-b', 'vsw-c', 'vsw-d'] }), 'vswitch_ids');
      expectRefused(seedSandboxBody({ vswitch_ids: ['vsw-a', 'vsw-a'] }), 'vswitch_ids');
      expectRefused(withoutKey('vswitch_ids'), 'vswitch_ids');
    });

    it('accepts three', () => {
      expect(validateScaleOut(seedSandboxBody({ vswitch_ids: ['vsw-a', 'vsw-b', 'vsw-c'] }), SANDBOX).vswitchIds).to.have.length(3);
    });
  });

  describe('data disk in a sandbox cluster', () => {
    it('refuses worker_data_disk false or missing, and a 199 GiB disk', () => {
      expectRefused(seedSandboxBody({ worker_data_disk: false }), 'worker_data_disk');
      expectRefused(withoutKey('worker_data_disk'), 'worker_data_disk');
      expectRefused(seedSandboxBody({ worker_data_disk_size: 199 }), 'worker_data_disk_size');
      expectRefused(seedSandboxBody({ worker_data_disk_size: '199' }), 'worker_data_disk_size');
      expectRefused(withoutKey('worker_data_disk_size'), 'worker_data_disk_size');
    });

    it('accepts 200 GiB as a number or a numeric string', () => {
      expect(validateScaleOut(seedSandboxBody({ worker_data_disk_size: '200' }), SANDBOX).dataDisks).to.deep.equal([
        { category: 'cloud_efficiency', size: 200 },
      ]);
    });

    it('accepts the SDK shape worker_data_disks[] instead, with the same minimum', () => {
      const body = withoutKey('worker_data_disk', { worker_data_disks: [{ category: 'cloud_essd', size: '200', encrypted: 'false' }] });
      delete body.worker_data_disk_size;
      delete body.worker_data_disk_category;
      expect(validateScaleOut(body, SANDBOX).dataDisks).to.deep.equal([{ category: 'cloud_essd', size: 200 }]);
      expectRefused({ ...body, worker_data_disks: [{ category: 'cloud_ssd', size: 100 }] }, 'worker_data_disks[0].size');
    });

    it('does not require a data disk outside sandbox clusters', () => {
      const body = withoutKey('worker_data_disk', { worker_instance_types: ['ecs.g7.xlarge'] });
      expect(validateScaleOut(body, { sandbox: false, maxNodesPerCall: 500 }).dataDisks).to.deep.equal([]);
    });
  });

  describe('instance types', () => {
    it('refuses a type that cannot run sandboxed containers, and an empty list', () => {
      expectRefused(seedSandboxBody({ worker_instance_types: ['ecs.ebmg5s.24xlarge', 'ecs.g7.xlarge'] }), 'worker_instance_types');
      expectRefused(seedSandboxBody({ worker_instance_types: [] }), 'worker_instance_types');
    });

    it('accepts each sandbox type', () => {
      const types = ['ecs.ebmg5s.24xlarge', 'ecs.ebmc5s.24xlarge', 'ecs.ebmgn6i.24xlarge'];
      expect(validateScaleOut(seedSandboxBody({ worker_instance_types: types }), SANDBOX).instanceTypes).to.deep.equal(types);
    });
  });

  describe('disk categories and system disk size', () => {
    it('refuses categories outside the seed lists', () => {
      expectRefused(seedSandboxBody({ worker_data_disk_category: 'cloud_essd' }), 'worker_data_disk_category');
      expectRefused(seedSandboxBody({ worker_system_disk_category: 'cloud' }), 'worker_system_disk_category');
      expectRefused(seedSandboxBody({ worker_system_disk_category: 'cloud_essd' }), 'worker_system_disk_category');
    });

    it('accepts every category of the seed lists', () => {
      for (const category of ['cloud_efficiency', 'cloud_ssd', 'cloud']) {
        expect(validateScaleOut(seedSandboxBody({ worker_data_disk_category: category }), SANDBOX).dataDisks[0]?.category).to.equal(category);
      }
      expect(validateScaleOut(seedSandboxBody({ worker_system_disk_category: 'cloud_ssd' }), SANDBOX).systemDisk.category).to.equal('cloud_ssd');
    });

    it('refuses a system disk of 19 or 501 GiB and accepts 20 and 500', () => {
      expectRefused(seedSandboxBody({ worker_system_disk_size: 19 }), 'worker_system_disk_size');
      expectRefused(seedSandboxBody({ worker_system_disk_size: 501 }), 'worker_system_disk_size');
      expect(validateScaleOut(seedSandboxBody({ worker_system_disk_size: 20 }), SANDBOX).systemDisk.size).to.equal(20);
      expect(validateScaleOut(seedSandboxBody({ worker_system_disk_size: 500 }), SANDBOX).systemDisk.size).to.equal(500);
    });
  });

  describe('charge type', () => {
    it('refuses anything but PostPaid and PrePaid', () => {
      expectRefused(seedSandboxBody({ worker_instance_charge_type: 'Spot' }), 'worker_instance_charge_type');
      expectRefused(seedSandboxBody({ worker_instance_charge_type: 'PrePaid', worker_period: 5 }), 'worker_period');
    });

    it('accepts PrePaid and defaults to PostPaid', () => {
      expect(validateScaleOut(seedSandboxBody({ worker_instance_charge_type: 'PrePaid', worker_period: 12 }), SANDBOX).chargeType).to.equal('PrePaid');
      expect(validateScaleOut(withoutKey('worker_instance_charge_type'), SANDBOX).chargeType).to.equal('PostPaid');
    });
  });

  describe('tags and taints', () => {
    it('refuses reserved prefixes, too many tags and over-long keys', () => {
      expectRefused(seedSandboxBody({ tags: [{ key: 'aliyun-x', value: 'v' }] }), 'tags[0].key');
      expectRefused(seedSandboxBody({ tags: Array.from({ length: 21 }, (_, i) => ({ key: `k${i}`, value: 'v' })) }), 'tags');
      expectRefused(seedSandboxBody({ tags: [{ key: 'k'.repeat(65), value: 'v' }] }), 'tags[0].key');
      expectRefused(seedSandboxBody({ taints: [{ key: 'k', effect: 'Sometimes' }] }), 'taints[0].effect');
    });

    it('accepts 20 tags with 64-character keys and defaults taint effects to NoSchedule', () => {
      const tags = Array.from({ length: 20 }, (_, i) => ({ key: `${'k'.repeat(62)}${String(i).padStart(2, '0')}`, value: 'v'.repeat(128) }));
      expect(validateScaleOut(seedSandboxBody({ tags }), SANDBOX).tags).to.have.length(20);
      expect(validateScaleOut(seedSandboxBody({ taints: [{ key: 'dedicated', value: 'sandbox' }] }), SANDBOX).taints).to.deep.equal([
        { key: 'dedicated', value: 'sandbox', effect: 'NoSchedule' },
      ]);
    });
  });

  it('refuses a disable_rollback that is not a boolean', () => {
    expectRefused(seedSandboxBody({ disable_rollback: 'no' }), 'disable_rollback');
  });
});
