import { expect } from 'chai';
import { CoreV1Api } from '@kubernetes/client-node';
import { baseSpec, condition, eventually, startScenario, type Scenario } from './fixture.js';

describe('controller: scale-out against the ACK simulator', function () {
  this.timeout(120_000);
  let s: Scenario;

  afterEach(async () => { await s.close(); });

  it('requests exactly the shortfall once, records the task, and reaches Ready when the nodes join', async () => {
    s = await startScenario();
    await s.startOperator();
    await s.apply(baseSpec(s.clusterId, 3));
    const ready = await eventually('Ready=True and the task finished', async () => {
      const sc = await s.get();
      return condition(sc, 'Ready')?.status === 'True' && sc.status?.tasks?.[0]?.state === 'Succeeded' ? sc : undefined;
    });
    expect(ready.status?.replicas).to.equal(3);
    expect(ready.status?.readyReplicas).to.equal(3);
    expect(ready.status?.inFlightReplicas).to.equal(0);
    expect(ready.status?.observedGeneration).to.equal(ready.metadata.generation);
    const [task] = ready.status?.tasks ?? [];
    expect(task).to.include({ state: 'Succeeded', count: 3 });
    expect(task?.taskId).to.match(/^T-[0-9a-f]{24}$/);
    const calls = s.scaleOutCalls();
    expect(calls.map((c) => c.count)).to.deep.equal([3]);
    expect(calls[0]?.body).to.include({ worker_data_disk: true, worker_data_disk_size: 200, worker_data_disk_category: 'cloud_efficiency', disable_rollback: false, key_pair: 'ops-key' });
    // Steady state: no further cloud call of any kind.
    const before = s.sim.control.requests().length;
    await new Promise((r) => setTimeout(r, 3000));
    expect(s.sim.control.requests().length).to.equal(before);
  });

  it('requests only the difference when replicas grow, and one replacement for a deleted node', async () => {
    s = await startScenario();
    await s.startOperator();
    await s.apply(baseSpec(s.clusterId, 2));
    await eventually('2 ready', async () => (await s.get()).status?.readyReplicas === 2);
    await s.objects.patchNamespacedCustomObject({
      group: 'capacity.sandbox.dev', version: 'v1alpha1', namespace: s.ns, plural: 'sandboxcapacities', name: 'workers',
      body: [{ op: 'replace', path: '/spec/replicas', value: 5 }],
    });
    const requested = (): number => s.scaleOutCalls().reduce((sum, c) => sum + c.count, 0);
    const settled = async (): Promise<boolean> => {
      const sc = await s.get();
      return sc.status?.readyReplicas === 5 && sc.status.inFlightReplicas === 0;
    };
    await eventually('5 ready, nothing in flight', settled);
    expect(requested()).to.equal(5);
    const nodes = await s.core.listNode({ labelSelector: `ack.aliyun.com=${s.clusterId}` });
    await s.kc.makeApiClient(CoreV1Api).deleteNode({ name: nodes.items[0]?.metadata?.name ?? '' });
    await eventually('one replacement requested', () => Promise.resolve(requested() === 6));
    await eventually('5 ready again', settled);
    await new Promise((r) => setTimeout(r, 2000));
    expect(requested()).to.equal(6);
    expect((await s.core.listNode({ labelSelector: `ack.aliyun.com=${s.clusterId}` })).items).to.have.length(5);
  });
});
