// Status and scale subresources and printer columns of SandboxCapacity, as users and the controller
// see them on a real API server.
import { expect } from 'chai';
import type { SandboxCapacity, SandboxCapacityStatus } from '../../../src/api/sandbox-capacity.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';
import { fullStatus, validFullSpec } from '../../unit/api/fixtures.js';
import { manifest, refusalOf, SandboxCapacityClient } from './sandbox-capacity-api.js';

const SELECTOR = 'alibabacloud.com/container-runtime=Sandboxed-Container.runv';

function withStatus(object: SandboxCapacity, status: SandboxCapacityStatus): SandboxCapacity {
  return { ...object, status };
}

describe('SandboxCapacity subresources (real API server)', () => {
  let namespace: string;
  let client: SandboxCapacityClient;

  beforeEach(async () => {
    namespace = await createTestNamespace('crd-subresources');
    client = new SandboxCapacityClient(namespace);
  });

  describe('status', () => {
    it('bumps metadata.generation on a spec change but not on a status write', async () => {
      const created = await client.create(manifest('generation'));
      expect(created.metadata.generation).to.equal(1);

      const afterStatus = await client.replaceStatus(withStatus(created, { observedGeneration: 1, replicas: 2 }));
      expect(afterStatus.metadata.generation).to.equal(1);
      expect(afterStatus.status?.replicas).to.equal(2);

      afterStatus.spec.replicas = 5;
      const afterSpec = await client.replace(afterStatus);
      expect(afterSpec.metadata.generation).to.equal(2);
      expect(afterSpec.status?.replicas, 'a spec write keeps the status').to.equal(2);
    });

    it('ignores a status written through the main resource', async () => {
      const created = await client.create({ ...manifest('main-status'), status: { replicas: 7 } });
      expect(created.status).to.equal(undefined);

      const edited = withStatus(created, { replicas: 99, readyReplicas: 99 });
      edited.spec.replicas = 4;
      await client.replace(edited);
      const stored = await client.get('main-status');
      expect(stored.spec.replicas).to.equal(4);
      expect(stored.status).to.equal(undefined);
    });

    it('ignores a spec written through the status subresource', async () => {
      const created = await client.create(manifest('status-spec'));
      const edited = withStatus(created, { replicas: 1 });
      edited.spec.replicas = 50;
      await client.replaceStatus(edited);
      const stored = await client.get('status-spec');
      expect(stored.spec.replicas).to.equal(3);
      expect(stored.metadata.generation).to.equal(1);
      expect(stored.status?.replicas).to.equal(1);
    });

    it('keeps every status field the types declare (nothing pruned)', async () => {
      const created = await client.create(manifest('full-status'));
      await client.replaceStatus(withStatus(created, fullStatus));
      expect((await client.get('full-status')).status).to.deep.equal(fullStatus);
    });

    it('keeps a null nextRetryTime (not backing off)', async () => {
      const created = await client.create(manifest('null-retry'));
      await client.replaceStatus(withStatus(created, { consecutiveFailures: 0, nextRetryTime: null }));
      expect((await client.get('null-retry')).status).to.deep.equal({ consecutiveFailures: 0, nextRetryTime: null });
    });

    it('refuses a status that breaks the schema, naming the field', async () => {
      const created = await client.create(manifest('bad-status'));
      const task = { intentId: 'i-1', count: 1, state: 'done', startTime: '2026-11-26T10:00:00Z' };
      const refusal = await refusalOf(client.replaceStatus(withStatus(created, { tasks: [task] } as unknown as SandboxCapacityStatus)));
      expect(refusal.code).to.equal(422);
      expect(refusal.message).to.include('status.tasks[0].state:');
    });
  });

  it('keeps every spec field the types declare (nothing pruned)', async () => {
    const spec = validFullSpec();
    await client.create(manifest('full-spec', spec));
    expect((await client.get('full-spec')).spec).to.deep.equal(spec);
  });

  describe('scale', () => {
    it('lets kubectl scale set spec.replicas', async () => {
      await client.create(manifest('scaled'));
      await testbed().kubectl(['scale', 'sbc/scaled', '-n', namespace, '--replicas=7']);
      const stored = await client.get('scaled');
      expect(stored.spec.replicas).to.equal(7);
      expect(stored.metadata.generation).to.equal(2);
    });

    it('reports the replicas and selector from status, for HPA and KEDA', async () => {
      const created = await client.create(manifest('selected'));
      await client.replaceStatus(withStatus(created, { replicas: 2, selector: SELECTOR }));
      const scale = await client.getScale('selected');
      expect(scale.spec?.replicas).to.equal(3);
      expect(scale.status?.replicas).to.equal(2);
      expect(scale.status?.selector).to.equal(SELECTOR);
    });
  });

  describe('printer columns', () => {
    beforeEach(async () => {
      const created = await client.create(manifest('printed', { ...validFullSpec(), replicas: 12 }));
      const ready = {
        type: 'Ready',
        status: 'False' as const,
        reason: 'ScalingOut',
        message: 'waiting for 2 nodes',
        lastTransitionTime: '2026-11-26T10:00:00Z',
      };
      await client.replaceStatus(withStatus(created, { replicas: 10, readyReplicas: 9, inFlightReplicas: 2, conditions: [ready] }));
    });

    it('shows Desired, Ready, In-Flight, Status (the Ready reason) and Age', async () => {
      const { stdout } = await testbed().kubectl(['get', 'sbc', '-n', namespace]);
      const [header, row] = stdout.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
      expect(header).to.deep.equal(['NAME', 'DESIRED', 'READY', 'IN-FLIGHT', 'STATUS', 'AGE']);
      expect(row?.slice(0, 5)).to.deep.equal(['printed', '12', '9', '2', 'ScalingOut']);
    });

    it('adds Cluster, Paused and the Ready message with -o wide', async () => {
      const { stdout } = await testbed().kubectl(['get', 'sbc', '-n', namespace, '-o', 'wide']);
      const [header, row] = stdout.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
      expect(header?.slice(6)).to.deep.equal(['CLUSTER', 'PAUSED', 'MESSAGE']);
      expect(row?.slice(6)).to.deep.equal(['c82e6987e2961451182edacd74faf0000', 'true', 'waiting for 2 nodes']);
    });
  });
});
