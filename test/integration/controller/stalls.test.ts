import { expect } from 'chai';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { baseSpec, condition, eventually, newClusterId, startScenario, type Scenario } from './fixture.js';
import { clusterNodes, eventsWithReason, instancesCreated, patchSpec, readyWith, scaleOutAttempts, sleep } from './observe.js';

async function stalled(s: Scenario, reason: string, name = 'workers'): Promise<SandboxCapacity> {
  return eventually(`${name} Stalled=True (${reason})`, async () => {
    const sc = await s.get(name);
    const c = condition(sc, 'Stalled');
    return c?.status === 'True' && c.reason === reason ? sc : undefined;
  });
}

describe('controller: stalls that need a human', function () {
  this.timeout(150_000);
  let s: Scenario;

  afterEach(async () => { await s.close(); });

  it('stalls on a request ACK refuses as invalid, without a hot loop, and resumes once the spec is fixed', async () => {
    s = await startScenario();
    await s.startOperator();
    // The CRD accepts any ecs.* type; ACK refuses types that cannot run sandboxed containers.
    const spec = baseSpec(s.clusterId, 2);
    await s.apply({ ...spec, scaleOut: { ...(spec.scaleOut as object), instanceTypes: ['ecs.g7.xlarge'] }, backoff: { initial: '1s', max: '10m' } });
    const sc = await stalled(s, 'InvalidRequest');
    const message = condition(sc, 'Stalled')?.message ?? '';
    expect(message).to.contain('InvalidParameter');
    expect(message).to.contain('worker_instance_types');
    expect(message).to.contain('ecs.g7.xlarge');
    expect(condition(sc, 'Ready')?.status).to.equal('False');
    expect(condition(sc, 'Reconciling')?.status).to.equal('False');
    expect(sc.status?.lastDecision?.action).to.equal('Blocked');
    const [event] = await eventually('a Stalled event', async () => {
      const found = await eventsWithReason(s, 'Stalled');
      return found.length > 0 ? found : undefined;
    });
    expect(event?.type).to.equal('Warning');
    expect(event?.message).to.contain('InvalidParameter');

    // No hot loop: the refused call is not repeated while the spec stays as it is.
    await sleep(10_000);
    expect(scaleOutAttempts(s).map((a) => a.code)).to.deep.equal(['InvalidParameter']);
    // The one other call: the new resource's first look at ACK's task list.
    expect(s.sim.control.requests().map((r) => r.action)).to.deep.equal(['DescribeClusterTasks', 'ScaleOutCluster']);

    await patchSpec(s, { 'scaleOut/instanceTypes': ['ecs.ebmg5s.24xlarge'] });
    const fixed = await readyWith(s, 2);
    expect(condition(fixed, 'Stalled')?.status).to.equal('False');
    expect(fixed.status?.observedGeneration).to.equal(fixed.metadata.generation);
    expect(scaleOutAttempts(s).map((a) => a.code ?? a.count)).to.deep.equal(['InvalidParameter', 2]);
    expect(instancesCreated(s)).to.equal(2);
    expect((await clusterNodes(s)).length).to.equal(2);
  });

  it('stalls on a missing credentials Secret, a missing key and a missing password Secret, calls nothing, and resumes when they appear', async () => {
    s = await startScenario();
    const clusters = { 'no-secret': newClusterId(), 'no-key': newClusterId(), 'no-password': newClusterId() };
    for (const clusterId of Object.values(clusters)) s.sim.control.upsertCluster({ clusterId, regionId: 'cn-hangzhou' });
    await s.core.createNamespacedSecret({ namespace: s.ns, body: { metadata: { name: 'partial-credentials' }, stringData: { accessKeyId: s.sim.accessKeyId } } });
    await s.startOperator(['--cluster-id', Object.values(clusters).join(',')]);
    const credentials = (name: string): Record<string, unknown> => ({ credentials: { secretRef: { name } } });
    await s.apply({ ...baseSpec(clusters['no-secret'], 1), ...credentials('absent-credentials') }, 'no-secret');
    await s.apply({ ...baseSpec(clusters['no-key'], 1), ...credentials('partial-credentials') }, 'no-key');
    const withPassword = baseSpec(clusters['no-password'], 1);
    const template = { ...(withPassword.scaleOut as Record<string, unknown>) };
    delete template.keyPair;
    await s.apply({ ...withPassword, scaleOut: { ...template, loginPasswordSecretRef: { name: 'node-password', key: 'password' } } }, 'no-password');

    const noSecret = condition(await stalled(s, 'SecretNotFound', 'no-secret'), 'Stalled');
    expect(noSecret?.message).to.contain(`Secret ${s.ns}/absent-credentials not found`);
    const noKey = condition(await stalled(s, 'SecretKeyMissing', 'no-key'), 'Stalled');
    expect(noKey?.message).to.contain(`Secret ${s.ns}/partial-credentials has no key "accessKeySecret"`);
    const noPassword = condition(await stalled(s, 'SecretNotFound', 'no-password'), 'Stalled');
    expect(noPassword?.message).to.contain(`Secret ${s.ns}/node-password not found`);
    expect(noPassword?.message).to.contain('loginPasswordSecretRef');
    for (const name of Object.keys(clusters)) {
      const [event] = await eventually(`a Stalled event for ${name}`, async () => {
        const found = await eventsWithReason(s, 'Stalled', name);
        return found.length > 0 ? found : undefined;
      });
      expect(event?.message).to.match(/Secret \S+ (not found|has no key)/);
    }
    await sleep(3000);
    // Without credentials nothing can be called. With credentials but no login password, the resource
    // takes its first look at ACK's task list (a read) and buys nothing.
    const calls = s.sim.control.requests().map((r) => `${r.action} ${r.path}`);
    expect(calls, 'no purchase, and no read but that first look').to.deep.equal([`DescribeClusterTasks /clusters/${clusters['no-password']}/tasks`]);

    // The references are fixed without touching the resources: the controller re-checks on its own.
    await s.core.createNamespacedSecret({ namespace: s.ns, body: { metadata: { name: 'absent-credentials' }, stringData: { accessKeyId: s.sim.accessKeyId, accessKeySecret: s.sim.accessKeySecret } } });
    await s.core.patchNamespacedSecret({ name: 'partial-credentials', namespace: s.ns, body: [{ op: 'add', path: '/data/accessKeySecret', value: Buffer.from(s.sim.accessKeySecret).toString('base64') }] });
    await s.core.createNamespacedSecret({ namespace: s.ns, body: { metadata: { name: 'node-password' }, stringData: { password: 'Sandbox-Pass-2024' } } });
    for (const [name, clusterId] of Object.entries(clusters)) {
      expect(condition(await readyWith(s, 1, name), 'Stalled')?.status, name).to.equal('False');
      expect(scaleOutAttempts(s, clusterId).map((a) => a.count), name).to.deep.equal([1]);
    }
  });
});
