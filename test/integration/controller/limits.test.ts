import { expect } from 'chai';
import { baseSpec, condition, eventually, startScenario, type Scenario } from './fixture.js';
import { clusterNodes, nodesInTasks, scaleOutAttempts, sleep } from './observe.js';

/** Samples, until stopped, the largest number of nodes ACK was asked for that had not joined yet. */
function sampleInFlight(s: Scenario): { stop(): Promise<{ simulator: number; status: number; samples: number }> } {
  const control = { running: true };
  const worst = { simulator: 0, status: 0, samples: 0 };
  const loop = (async () => {
    while (control.running) {
      // The simulator first, the Nodes second: requests only grow, so this never overstates.
      const requested = nodesInTasks(s);
      const joined = (await clusterNodes(s)).length;
      const status = (await s.get()).status?.inFlightReplicas ?? 0;
      worst.simulator = Math.max(worst.simulator, requested - joined);
      worst.status = Math.max(worst.status, status);
      worst.samples += 1;
      await sleep(150);
    }
  })();
  return {
    async stop() {
      control.running = false;
      await loop;
      return worst;
    },
  };
}

describe('controller: limits on how fast capacity is requested', function () {
  this.timeout(120_000);
  let s: Scenario;

  afterEach(async () => { await s.close(); });

  it('splits a large shortfall into whole requests of maxNodesPerScaleOut and stops at maxInFlightNodes', async () => {
    s = await startScenario({ taskDurationMs: 1500 });
    // ACK may run several scale-outs at once here, so only the controller's own limits hold it back.
    s.sim.control.updateCluster(s.clusterId, { maxConcurrentScaleOuts: 5 });
    // The first two tasks never finish on their own: the controller must stop at the in-flight limit.
    s.sim.control.addFault({ kind: 'task-stuck', times: 2 });
    await s.startOperator();
    await s.apply({ ...baseSpec(s.clusterId, 7), limits: { maxNodesPerScaleOut: 3, maxInFlightNodes: 4 } });
    const sampler = sampleInFlight(s);

    // 3 requested; room for 1 more is not a request of 1: it waits for a whole one (3).
    const held = await eventually('3 nodes in flight and the in-flight limit reported', async () => {
      const sc = await s.get();
      return sc.status?.inFlightReplicas === 3 && condition(sc, 'Reconciling')?.reason === 'InFlightLimit' ? sc : undefined;
    });
    expect(held.status?.replicas).to.equal(0);
    expect(condition(held, 'Ready')?.status).to.equal('False');
    expect(nodesInTasks(s)).to.equal(3);
    // Held there while the task runs: no request beyond the limit, however often it reconciles.
    await sleep(3000);
    expect(nodesInTasks(s)).to.equal(3);

    const done = await eventually('7 ready, nothing in flight', async () => {
      // Stuck tasks are finished by hand as they come (two of them).
      for (const task of s.sim.control.listTasks(s.clusterId)) if (task.state === 'running' && task.finishAt === null) s.sim.control.finishTask(task.taskId, { state: 'success' });
      const sc = await s.get();
      return sc.status?.readyReplicas === 7 && sc.status.inFlightReplicas === 0 && condition(sc, 'Ready')?.status === 'True' ? sc : undefined;
    }, 60_000);
    const worst = await sampler.stop();

    expect(worst.samples).to.be.greaterThan(5);
    expect(worst.simulator, 'nodes requested from ACK but not joined').to.be.at.most(4);
    expect(worst.status, 'status.inFlightReplicas').to.be.at.most(4);
    // ⌈7 / 3⌉ = 3 calls: 3, 3 and the last 1, never a partial request in between.
    expect(scaleOutAttempts(s).map((c) => c.count)).to.deep.equal([3, 3, 1]);
    expect((await clusterNodes(s)).length).to.equal(7);
    expect(done.status?.tasks?.filter((t) => t.state === 'Succeeded').reduce((n, t) => n + t.count, 0)).to.equal(7);
  });
});
