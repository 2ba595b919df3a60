// Scale-in's exactly-once promise across real process deaths: the controller is SIGKILLed while a
// Node drains, and after it asked ACK to remove the instance but before the answer was recorded; a
// fresh process resumes from status.scaleIn. ACK must be asked to remove exactly the intended
// instance, once, and nothing else.
import { expect } from 'chai';
import { AppsV1Api, CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { createRunningPod } from '../../../src/local-control-plane/kubelet-substitute.js';
import { baseSpec, eventually } from '../controller/fixture.js';
import { testbed } from '../../support/testbed.js';
import { POOL, poolSpec } from '../controller/node-pool-fixture.js';
import { readyWith, scenarioPerTest, type ProcessScenario } from './fixture.js';

const SCALE_IN = { enabled: true, cooldown: '1s', maxNodesPerStep: 1, drainTimeout: '5m' };
const HOLD = 'test.sandbox.dev/hold';

async function sortedNodes(s: ProcessScenario): Promise<V1Node[]> {
  const nodes = await s.core.listNode({ labelSelector: `ack.aliyun.com=${s.clusterId}` });
  return nodes.items.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

/** Pods of one ReplicaSet (no replicaset controller runs), Running on the given Nodes. */
async function podsOn(s: ProcessScenario, app: string, nodes: string[], finalizers: string[] = []): Promise<void> {
  const kc = testbed().kubeConfig;
  const labels = { app };
  const rs = await kc.makeApiClient(AppsV1Api).createNamespacedReplicaSet({
    namespace: s.ns,
    body: { metadata: { name: app, labels }, spec: { replicas: nodes.length, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1' }] } } } },
  });
  const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: app, uid: rs.metadata?.uid ?? '', controller: true };
  for (const [i, node] of nodes.entries()) {
    await createRunningPod(kc, {
      metadata: { name: `${app}-${i}`, namespace: s.ns, labels, ownerReferences: [owner], finalizers },
      spec: { nodeName: node, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
    });
  }
}

async function releaseHeldPods(s: ProcessScenario): Promise<void> {
  const core = testbed().kubeConfig.makeApiClient(CoreV1Api);
  for (const pod of (await core.listNamespacedPod({ namespace: s.ns })).items.filter((p) => (p.metadata?.finalizers ?? []).includes(HOLD))) {
    await core.patchNamespacedPod({ name: pod.metadata?.name ?? '', namespace: s.ns, body: [{ op: 'remove', path: '/metadata/finalizers' }] });
  }
}

/** Node names of every DeleteClusterNodes call ACK received, whatever its answer. */
function removalCalls(s: ProcessScenario): string[][] {
  return s.sim.control.requests({ action: 'DeleteClusterNodes' }).map((r) => (r.body as { nodes?: string[] }).nodes ?? []);
}

describe('controller process: SIGKILL during scale-in and restart', function () {
  this.timeout(300_000);
  const start = scenarioPerTest();

  async function threeNodesThenTwo(s: ProcessScenario): Promise<{ victim: string; keep: string[] }> {
    await s.apply({ ...baseSpec(s.clusterId, 3), scaleIn: SCALE_IN });
    await readyWith(s, 3);
    const [a, b, c] = (await sortedNodes(s)).map((n) => n.metadata?.name ?? '') as [string, string, string];
    // a has the fewest pods, so it is the one removed; its pod leaves only when the test lets it.
    await podsOn(s, 'slow', [a], [HOLD]);
    await podsOn(s, 'web', [b, b, c, c]);
    return { victim: a, keep: [b, c] };
  }

  it('killed while the Node drains: the restarted controller resumes the same removal, and ACK removes exactly that instance once', async () => {
    const s = await start();
    const first = s.spawn('ctl-first');
    const { victim, keep } = await threeNodesThenTwo(s);
    await s.setReplicas(2);
    const removal = await eventually('a drain in progress', async () => {
      const r = (await s.get()).status?.scaleIn?.removals?.[0];
      return r?.phase === 'Draining' ? r : undefined;
    });
    expect(removal.nodeName).to.equal(victim);
    await eventually('the Node cordoned and its pod evicted', async () => {
      const node = (await sortedNodes(s)).find((n) => n.metadata?.name === victim);
      const pods = await s.core.listNamespacedPod({ namespace: s.ns, fieldSelector: `spec.nodeName=${victim}` });
      return node?.spec?.unschedulable === true && pods.items.every((p) => p.metadata?.deletionTimestamp !== undefined);
    });
    expect((await first.kill()).signal).to.equal('SIGKILL');
    expect(removalCalls(s), 'nothing asked of ACK before the drain ended').to.deep.equal([]);

    await releaseHeldPods(s);
    const second = s.spawn('ctl-second');
    await eventually('2 Nodes left, no removal in progress', async () => {
      const sc = await s.get();
      return (await s.liveNodeCount()) === 2 && sc.status?.scaleIn?.removals === undefined && sc.status?.replicas === 2;
    }, 120_000);
    expect(removalCalls(s)).to.deep.equal([[victim]]);
    expect((await sortedNodes(s)).map((n) => n.metadata?.name ?? '')).to.deep.equal(keep);
    expect(second.logged('scale-in: calling DeleteClusterNodes')).to.have.length(1);
    await new Promise((r) => setTimeout(r, 3000));
    expect(removalCalls(s), 'none twice, none extra').to.deep.equal([[victim]]);
  });

  it('killed after the removal call was carried out but before its answer was recorded: nothing is asked twice', async () => {
    const s = await start();
    const first = s.spawn('ctl-first');
    const { victim, keep } = await threeNodesThenTwo(s);
    await releaseHeldPods(s);
    // ACK carries the removal out at once but holds the answer back: the controller sits between
    // "called" and "recorded the task" when it is killed.
    s.sim.control.addFault({ kind: 'slow', action: 'DeleteClusterNodes', delayMs: 120_000, times: 1 });
    await s.setReplicas(2);
    await first.waitForLog('"scale-in: calling DeleteClusterNodes"', (e) => e.message === 'scale-in: calling DeleteClusterNodes');
    await eventually('ACK received the removal', () => Promise.resolve(removalCalls(s).length === 1));
    const before = (await s.get()).status?.scaleIn?.removals?.[0];
    expect(before, 'the removal recorded before the call, its answer not yet').to.include({ nodeName: victim, phase: 'Removing' });
    expect(before?.taskId).to.equal(undefined);
    expect((await first.kill()).signal).to.equal('SIGKILL');

    const second = s.spawn('ctl-second');
    await eventually('2 Nodes left, no removal in progress', async () => {
      const sc = await s.get();
      return (await s.liveNodeCount()) === 2 && sc.status?.scaleIn?.removals === undefined && sc.status?.replicas === 2;
    }, 120_000);
    expect(removalCalls(s)).to.deep.equal([[victim]]);
    expect(second.logged('scale-in: calling DeleteClusterNodes'), 'the restarted controller read the instance first').to.have.length(0);
    expect((await sortedNodes(s)).map((n) => n.metadata?.name ?? '')).to.deep.equal(keep);
    await new Promise((r) => setTimeout(r, 3000));
    expect(removalCalls(s), 'none twice, none extra').to.deep.equal([[victim]]);
  });

  it('node-pool mode: killed after RemoveNodePoolNodes was carried out but before its answer was recorded: nothing is asked twice, the pool ends at spec.replicas', async () => {
    const s = await start();
    s.sim.control.addNodePool(s.clusterId, { nodepoolId: POOL, name: 'sandbox', vswitchIds: ['vsw-aaa'] });
    const first = s.spawn('ctl-first');
    await s.apply({ ...poolSpec(s.clusterId, 3), scaleIn: SCALE_IN });
    await readyWith(s, 3);
    const three = await sortedNodes(s);
    const [a, b, c] = three.map((n) => n.metadata?.name ?? '') as [string, string, string];
    const emptyInstance = (three[0]?.spec?.providerID ?? '').split('.').slice(1).join('.');
    await podsOn(s, 'web', [b, b, c, c]);
    s.sim.control.addFault({ kind: 'slow', action: 'RemoveNodePoolNodes', delayMs: 120_000, times: 1 });
    await s.setReplicas(2);
    await first.waitForLog('"scale-in: calling RemoveNodePoolNodes"', (e) => e.message === 'scale-in: calling RemoveNodePoolNodes');
    const calls = (): string[][] => s.sim.control.requests({ action: 'RemoveNodePoolNodes' }).map((r) => JSON.parse(r.query.instance_ids ?? '[]') as string[]);
    await eventually('ACK received the removal', () => Promise.resolve(calls().length === 1));
    expect((await first.kill()).signal).to.equal('SIGKILL');

    const second = s.spawn('ctl-second');
    await eventually('2 Nodes left, no removal in progress', async () => {
      const sc = await s.get();
      return (await s.liveNodeCount()) === 2 && sc.status?.scaleIn?.removals === undefined && sc.status?.replicas === 2;
    }, 120_000);
    expect(calls(), 'exactly the empty Node\'s instance, once').to.deep.equal([[emptyInstance]]);
    expect(second.logged('scale-in: calling RemoveNodePoolNodes')).to.have.length(0);
    const left = (await sortedNodes(s)).map((n) => n.metadata?.name ?? '');
    expect(left).to.deep.equal([b, c]);
    expect(left).not.to.include(a);
    expect(s.sim.control.getNodePool(s.clusterId, POOL)?.desiredSize).to.equal(2);
    expect(s.sim.control.requests({ action: 'DeleteClusterNodes' }), 'never DeleteClusterNodes on a pool').to.have.length(0);
    await new Promise((r) => setTimeout(r, 3000));
    expect(calls(), 'none twice, none extra').to.have.length(1);
  });
});
