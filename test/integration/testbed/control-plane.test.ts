import { expect } from 'chai';
import { AuthorizationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { createTestNamespace, testbed } from '../../support/testbed.js';

describe('test control plane', () => {
  it('serves the pinned Kubernetes version with RBAC enforced', async () => {
    const tb = testbed();
    expect(tb.kubernetesVersion).to.match(/^v1\.\d+\.\d+/);
    const review = await tb.kubeConfig.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
      body: { spec: { user: 'someone-without-roles', resourceAttributes: { verb: 'list', resource: 'nodes' } } },
    });
    expect(review.status?.allowed).to.equal(false);
  });

  it('gives each test its own namespace', async () => {
    const a = await createTestNamespace('tb');
    const b = await createTestNamespace('tb');
    expect(a).to.not.equal(b);
    const ns = await testbed().kubeConfig.makeApiClient(CoreV1Api).readNamespace({ name: a });
    expect(ns.status?.phase).to.equal('Active');
  });

  it('answers kubectl with the same credential', async () => {
    const { stdout } = await testbed().kubectl(['auth', 'can-i', 'create', 'nodes']);
    expect(stdout.trim()).to.equal('yes');
  });
});
