// Recovering without editing the spec, and a deleted Node that is explained, on the real API server
// with the real SDK against the simulator.
import { expect } from 'chai';
import { GROUP, PLURAL, RETRY_ANNOTATION, VERSION, type SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { baseSpec, condition, eventually, startScenario, type Scenario } from './fixture.js';
import { clusterNodes, eventsWithReason, readyWith } from './observe.js';

async function stalled(s: Scenario, reason: string): Promise<SandboxCapacity> {
  return eventually(`Stalled=${reason}`, async () => {
    const sc = await s.get();
    const c = condition(sc, 'Stalled');
    return c?.status === 'True' && c.reason === reason ? sc : undefined;
  }, 60_000);
}

describe('controller: day two — recovering without a spec edit', function () {
  this.timeout(180_000);
  let s: Scenario;

  afterEach(async () => {
    await s.close();
  });

  it('a wrong AccessKey: the stall names the Secret, and fixing the Secret is picked up within about 30 s', async () => {
    s = await startScenario();
    await s.core.createNamespacedSecret({ namespace: s.ns, body: { metadata: { name: 'ack-ak' }, stringData: { accessKeyId: s.sim.accessKeyId, accessKeySecret: 'not-the-secret' } } });
    await s.startOperator();
    await s.apply({ ...baseSpec(s.clusterId, 2), credentials: { secretRef: { name: 'ack-ak' } }, backoff: { initial: '1s', max: '10m' } });
    const sc = await stalled(s, 'AuthenticationFailed');
    const message = condition(sc, 'Stalled')?.message ?? '';
    expect(message).to.contain(`spec.credentials.secretRef ${s.ns}/ack-ak`).and.contain('SignatureDoesNotMatch');
    expect(message.toLowerCase()).to.not.contain('string to sign');
    expect(JSON.stringify(sc.status)).to.not.contain('not-the-secret');

    const fixedAt = Date.now();
    await s.core.replaceNamespacedSecret({ name: 'ack-ak', namespace: s.ns, body: { metadata: { name: 'ack-ak' }, stringData: { accessKeyId: s.sim.accessKeyId, accessKeySecret: s.sim.accessKeySecret } } });
    await eventually('a new ScaleOutCluster accepted', () => s.scaleOutCalls().length === 1, 60_000);
    const seconds = (Date.now() - fixedAt) / 1000;
    expect(seconds, 'picked up within the 30 s recheck').to.be.below(45);
    await readyWith(s, 2);
  });

  it('retry now: a new value of the retry annotation lifts a stall at once', async () => {
    s = await startScenario();
    await s.startOperator();
    const spec = baseSpec(s.clusterId, 2);
    // Refused as invalid once (the simulator refuses this type), then ACK "learns" nothing; the
    // annotation alone makes the controller try again, long before backoff.max.
    s.sim.control.addFault({ kind: 'error', action: 'ScaleOutCluster', status: 400, code: 'InvalidParameter', message: 'temporarily refused', times: 1 });
    await s.apply({ ...spec, backoff: { initial: '1s', max: '10m' } });
    await stalled(s, 'InvalidRequest');
    expect(condition(await s.get(), 'Stalled')?.message).to.contain(`when annotated ${RETRY_ANNOTATION}=<now>`);
    await s.objects.patchNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace: s.ns, plural: PLURAL, name: 'workers',
      body: [{ op: 'add', path: '/metadata/annotations', value: { [RETRY_ANNOTATION]: new Date().toISOString() } }],
    });
    const ready = await readyWith(s, 2);
    expect(ready.status?.lastRetryRequest).to.be.a('string');
    expect(s.scaleOutCalls().map((c) => c.count)).to.deep.equal([2]);
  });

  it('a deleted Node: an Event names it and says a replacement is requested', async () => {
    s = await startScenario();
    await s.startOperator();
    await s.apply(baseSpec(s.clusterId, 2));
    await readyWith(s, 2);
    const [victim] = await clusterNodes(s);
    const name = victim?.metadata?.name ?? '';
    await s.core.deleteNode({ name });
    const [event] = await eventually('a NodeDisappeared Event', async () => {
      const found = await eventsWithReason(s, 'NodeDisappeared');
      return found.length > 0 ? found : undefined;
    });
    expect(event?.type).to.equal('Warning');
    expect(event?.message).to.contain(name).and.contain('requesting 1 replacement node');
    await readyWith(s, 2);
  });
});
