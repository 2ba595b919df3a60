// Scale-in rounds with kill points: spec.replicas goes down and up again in seeded steps while the
// controller process is SIGKILLed at a seeded moment of each scale-in, and a fresh one takes over.
// After every round the account is taken from ACK's side (the simulator's record of removal calls):
//   removed beyond surplus = Nodes ACK was asked to remove in the round − the round's surplus (must be 0)
//   removed twice          = Nodes named in more than one removal call (must be 0)
// next to over-provisioned (instances created beyond what the rounds needed), as the chaos engine
// reports it for scale-out.
import { expect } from 'chai';
import { AppsV1Api } from '@kubernetes/client-node';
import { createRunningPod } from '../../../src/local-control-plane/kubelet-substitute.js';
import { baseSpec, eventually } from '../controller/fixture.js';
import { testbed } from '../../support/testbed.js';
import { createRng } from '../../chaos/prng.js';
import { SCALE_OUT_TASK_TYPE } from '../../../src/controller/core/index.js';
import { readyWith, scenarioPerTest, type ProcessScenario } from './fixture.js';

const SCALE_IN = { enabled: true, cooldown: '1s', maxNodesPerStep: 2, drainTimeout: '2m' };
const SEED = 0x5ca1e1;
/** [from, to] of each round; from is reached by scale-out first. */
const ROUNDS: [number, number][] = [[4, 2], [4, 1], [3, 2]];

function removalCalls(s: ProcessScenario): string[][] {
  return s.sim.control.requests({ action: 'DeleteClusterNodes' }).map((r) => (r.body as { nodes?: string[] }).nodes ?? []);
}

/** One pod of a ReplicaSet on each listed Node, so drains have something to evict. */
async function podsOn(s: ProcessScenario, app: string, nodes: string[]): Promise<void> {
  const kc = testbed().kubeConfig;
  const labels = { app };
  const rs = await kc.makeApiClient(AppsV1Api).createNamespacedReplicaSet({
    namespace: s.ns,
    body: { metadata: { name: app, labels }, spec: { replicas: nodes.length, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1' }] } } } },
  });
  const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: app, uid: rs.metadata?.uid ?? '', controller: true };
  for (const [i, node] of nodes.entries()) {
    await createRunningPod(kc, {
      metadata: { name: `${app}-${i}`, namespace: s.ns, labels, ownerReferences: [owner] },
      spec: { nodeName: node, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
    });
  }
}

describe('controller process: scale-in rounds with kill points', function () {
  this.timeout(600_000);
  const start = scenarioPerTest();

  it('removes exactly the surplus of each round, none twice, whatever moment the controller dies', async () => {
    const s = await start();
    const rng = createRng(SEED);
    let generation = 0;
    const spawn = (): void => { s.spawn(`ctl-${generation++}`); };
    spawn();
    await s.apply({ ...baseSpec(s.clusterId, ROUNDS[0]![0]), scaleIn: SCALE_IN });
    const summary: string[] = [];
    let beyond = 0;
    let surplusTotal = 0;
    for (const [round, [from, to]] of ROUNDS.entries()) {
      await s.setReplicas(from);
      await readyWith(s, from);
      const nodes = (await s.core.listNode({ labelSelector: `ack.aliyun.com=${s.clusterId}` })).items.map((n) => n.metadata?.name ?? '').sort();
      // Half the Nodes run a pod, so some drains evict and some Nodes are empty.
      await podsOn(s, `web-${round}`, nodes.filter((_, i) => i % 2 === 0));
      const callsBefore = removalCalls(s).length;
      await s.setReplicas(to);
      await new Promise((r) => setTimeout(r, rng.int(500, 4_000)));
      const victim = s.children.find((c) => c.running);
      await victim?.kill();
      await new Promise((r) => setTimeout(r, rng.int(0, 1_500)));
      spawn();
      await eventually(`round ${round}: ${to} Nodes, no removal in progress`, async () => {
        const sc = await s.get();
        return (await s.liveNodeCount()) === to && sc.status?.scaleIn?.removals === undefined && sc.status?.replicas === to;
      }, 180_000);
      const removed = removalCalls(s).slice(callsBefore).flat();
      const surplus = from - to;
      surplusTotal += surplus;
      beyond += Math.max(0, removed.length - surplus);
      summary.push(`round ${round}: ${from} -> ${to}, removed ${removed.length}, surplus ${surplus}`);
    }
    const all = removalCalls(s).flat();
    const twice = all.length - new Set(all).size;
    const needed = ROUNDS.reduce((sum, [from], i) => sum + (i === 0 ? from : Math.max(0, from - ROUNDS[i - 1]![1])), 0);
    // Scale-out tasks only: the simulator lists the removal tasks too.
    const bought = s.tasks().filter((t) => t.taskType === SCALE_OUT_TASK_TYPE).reduce((sum, t) => sum + t.count, 0);
    const overProvisioned = Math.max(0, bought - needed);
    console.log(`    scale-in chaos: ${ROUNDS.length} rounds, ${ROUNDS.length} kill points, ${beyond} removed beyond surplus, ${twice} removed twice, ${overProvisioned} over-provisioned (${summary.join('; ')})`);
    expect(beyond, 'removed beyond surplus').to.equal(0);
    expect(twice, 'removed twice').to.equal(0);
    expect(all.length, 'every surplus Node removed').to.equal(surplusTotal);
    expect(overProvisioned, 'over-provisioned').to.equal(0);
  });
});
