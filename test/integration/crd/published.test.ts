// The CRD as the API server publishes it: established under its names, discoverable by short name
// and category, and documented in `kubectl explain`.
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { createTestNamespace, testbed } from '../../support/testbed.js';
import { rootSchema } from '../../unit/api/crd-schema.js';
import { manifest, SandboxCapacityClient } from './sandbox-capacity-api.js';

const CRD_NAME = 'sandboxcapacities.capacity.sandbox.dev';

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** kubectl explain reads the published OpenAPI, which can trail the Established condition briefly. */
async function explain(path: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await testbed().kubectl(['explain', path], { allowFailure: true });
    if (result.code === 0 || Date.now() > deadline) return oneLine(result.stdout + result.stderr);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('SandboxCapacity CRD as published (real API server)', () => {
  it('is Established with its names accepted', async () => {
    const crd = await testbed().kubeConfig.makeApiClient(ApiextensionsV1Api).readCustomResourceDefinition({ name: CRD_NAME });
    const conditions = Object.fromEntries((crd.status?.conditions ?? []).map((c) => [c.type, c.status]));
    expect(conditions).to.include({ Established: 'True', NamesAccepted: 'True' });
    expect(crd.status?.acceptedNames?.shortNames).to.deep.equal(['sbc']);
    expect(crd.status?.acceptedNames?.categories).to.deep.equal(['sandbox-capacity']);
  });

  it('is listed by kubectl under its short name and its category', async () => {
    const namespace = await createTestNamespace('crd-names');
    await new SandboxCapacityClient(namespace).create(manifest('listed'));
    const byShortName = await testbed().kubectl(['get', 'sbc', '-n', namespace, '-o', 'name']);
    const byCategory = await testbed().kubectl(['get', 'sandbox-capacity', '-n', namespace, '-o', 'name']);
    expect(byShortName.stdout.trim()).to.equal('sandboxcapacity.capacity.sandbox.dev/listed');
    expect(byCategory.stdout.trim()).to.equal('sandboxcapacity.capacity.sandbox.dev/listed');
  });

  it('documents every field of spec.scaleOut in kubectl explain', async () => {
    const output = await explain('sandboxcapacity.spec.scaleOut');
    const scaleOut = rootSchema().properties?.spec?.properties?.scaleOut;
    const fields = Object.entries(scaleOut?.properties ?? {});
    expect(fields).to.have.length.above(10);
    for (const [name, node] of fields) {
      expect(output, name).to.include(`${name} <`);
      expect(output, name).to.include(oneLine(node.description ?? '<no description>'));
    }
  });

  it('states units, bounds and defaults where users look for them', async () => {
    expect(await explain('sandboxcapacity.spec.scaleOut.dataDisk.size')).to.include('GiB').and.include('200 to 32768').and.include('Default 200');
    expect(await explain('sandboxcapacity.spec.limits.taskTimeout')).to.include('Go duration').and.include('Default 30m');
    expect(await explain('sandboxcapacity.spec.nodeSelector')).to.include('alibabacloud.com/container-runtime: Sandboxed-Container.runv');
    expect(await explain('sandboxcapacity.status.tasks.state')).to.include('Requesting');
  });
});
