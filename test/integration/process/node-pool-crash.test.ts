// Node-pool mode across a real process death: SIGKILLed between ModifyClusterNodePool carried out and
// its answer recorded, a fresh process reads the pool, finds the write took effect, and the pool's
// desired size ends exactly spec.replicas — an absolute write makes the repeat harmless, and the
// re-read makes it unnecessary.
import { expect } from 'chai';
import { eventually } from '../controller/fixture.js';
import { POOL, poolSpec } from '../controller/node-pool-fixture.js';
import { readyWith, scenarioPerTest } from './fixture.js';

const REPLICAS = 3;

describe('controller process: SIGKILL in node-pool mode', function () {
  this.timeout(300_000);
  const start = scenarioPerTest();

  it('killed after ModifyClusterNodePool was carried out but before its answer was recorded: after restart the desired size is exactly spec.replicas', async () => {
    const scenario = await start();
    scenario.sim.control.addNodePool(scenario.clusterId, { nodepoolId: POOL, name: 'sandbox', vswitchIds: ['vsw-aaa'] });
    // ACK applies the write at once but holds the answer back for two minutes: the controller sits
    // between "called" and "recorded the task" when it is killed.
    scenario.sim.control.addFault({ kind: 'slow', action: 'ModifyClusterNodePool', delayMs: 120_000, times: 1 });
    const first = scenario.spawn('ctl-first');
    await scenario.apply(poolSpec(scenario.clusterId, REPLICAS));
    await first.waitForLog('"calling ModifyClusterNodePool"', (e) => e.message === 'calling ModifyClusterNodePool');
    await eventually('the write applied at ACK', () => Promise.resolve(scenario.sim.control.getNodePool(scenario.clusterId, POOL)?.desiredSize === REPLICAS || undefined));
    const beforeKill = (await scenario.get()).status?.nodePool;
    expect(beforeKill?.lastWrite, 'the write recorded before the call').to.include({ desiredSize: REPLICAS });
    expect(beforeKill?.lastWrite?.taskId).to.equal(undefined);
    expect(first.logged('ModifyClusterNodePool accepted')).to.have.length(0);

    const exit = await first.kill();
    expect(exit.signal).to.equal('SIGKILL');

    const second = scenario.spawn('ctl-second');
    await readyWith(scenario, REPLICAS);
    expect(scenario.sim.control.getNodePool(scenario.clusterId, POOL)?.desiredSize).to.equal(REPLICAS);
    const writes = scenario.sim.control.requests({ action: 'ModifyClusterNodePool' });
    expect(writes.map((w) => w.body), 'every write asks for the same absolute size').to.deep.equal(writes.map(() => ({ scaling_group: { desired_size: REPLICAS } })));
    expect(second.logged('calling ModifyClusterNodePool'), 'the re-read found the write took effect').to.have.length(0);
    expect(scenario.sim.control.listNodes(scenario.clusterId)?.filter((n) => n.nodepoolId === POOL)).to.have.length(REPLICAS);
    expect(await scenario.liveNodeCount()).to.equal(REPLICAS);
  });
});
