import { expect } from 'chai';
import { testbed } from '../../support/testbed.js';
import { baseSpec, eventually, startScenario, type Scenario } from './fixture.js';
import { clusterNodes, instancesCreated, patchSpec, readyWith, scaleOutAttempts } from './observe.js';

const requested = (s: Scenario): number => scaleOutAttempts(s).filter((a) => a.taskId !== undefined).reduce((n, a) => n + a.count, 0);

describe('controller: kube-apiserver restarted mid-run', function () {
  this.timeout(180_000);
  let s: Scenario;

  afterEach(async () => { await s.close(); });

  it('recovers its watches and converges with exactly the nodes needed', async () => {
    s = await startScenario({ taskDurationMs: 3000 });
    s.sim.control.updateCluster(s.clusterId, { maxConcurrentScaleOuts: 2 });
    await s.startOperator();
    await s.apply({ ...baseSpec(s.clusterId, 4), limits: { maxNodesPerScaleOut: 2, maxInFlightNodes: 4 } });
    await eventually('a scale-out in progress', () => Promise.resolve(s.sim.control.listTasks(s.clusterId).some((t) => t.state === 'running')));

    await testbed().restartApiServer();

    await readyWith(s, 4);
    expect(requested(s), 'nodes requested').to.equal(4);
    expect(instancesCreated(s), 'instances created in ACK').to.equal(4);
    expect((await clusterNodes(s)).length).to.equal(4);
    const restarts = s.operator!.controller.informerRestarts();
    expect(restarts.nodes, 'node informer restarted').to.be.at.least(1);
    expect(restarts.sandboxcapacities, 'SandboxCapacity informer restarted').to.be.at.least(1);

    // The restarted watches deliver changes again: a spec change and the Nodes it brings are seen.
    await patchSpec(s, { replicas: 5 });
    await readyWith(s, 5);
    expect(requested(s)).to.equal(5);
    expect((await clusterNodes(s)).length).to.equal(5);
  });
});
