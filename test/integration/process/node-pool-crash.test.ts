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

describe('controller process: repeated SIGKILLs in node-pool mode', function () {
  this.timeout(300_000);
  const start = scenarioPerTest();

  it('killed before the write, between the write and its answer, and while the pool scales, across raises: never a node beyond spec.replicas', async () => {
    const scenario = await start({ taskDurationMs: 3000 });
    scenario.sim.control.addNodePool(scenario.clusterId, { nodepoolId: POOL, name: 'sandbox', vswitchIds: ['vsw-aaa'] });
    const pool = (): number => scenario.sim.control.getNodePool(scenario.clusterId, POOL)?.desiredSize ?? -1;
    const instances = (): number => scenario.sim.control.listNodes(scenario.clusterId)?.filter((n) => n.nodepoolId === POOL).length ?? 0;
    let generation = 0;
    const spawn = (): ReturnType<typeof scenario.spawn> => scenario.spawn(`ctl-${generation++}`);

    // 1. Killed right after it started working on a new resource (before or just after recording the write).
    let ctl = spawn();
    await scenario.apply(poolSpec(scenario.clusterId, 2));
    await eventually('its first status', async () => (await scenario.get()).status?.lastDecision !== undefined || undefined);
    await ctl.kill();
    // 2. Killed between ModifyClusterNodePool carried out and its answer (a raise to 3).
    ctl = spawn();
    await readyWith(scenario, 2);
    scenario.sim.control.addFault({ kind: 'slow', action: 'ModifyClusterNodePool', delayMs: 120_000, times: 1 });
    await scenario.setReplicas(3);
    await ctl.waitForLog('"calling ModifyClusterNodePool"', (e) => e.message === 'calling ModifyClusterNodePool');
    await eventually('the write applied at ACK', () => Promise.resolve(pool() === 3 || undefined));
    await ctl.kill();
    // 3. A raise to 5, then killed while the pool scales toward it.
    ctl = spawn();
    await readyWith(scenario, 3);
    await scenario.setReplicas(5);
    await eventually('the pool scaling to 5', () => Promise.resolve(pool() === 5 || undefined));
    await ctl.kill();
    spawn();
    await readyWith(scenario, 5);

    expect(pool(), 'desired size').to.equal(5);
    expect(instances(), 'instances ACK created for the pool').to.equal(5);
    expect(await scenario.liveNodeCount()).to.equal(5);
    const writes = scenario.sim.control.requests({ action: 'ModifyClusterNodePool' }).map((w) => (w.body as { scaling_group: { desired_size: number } }).scaling_group.desired_size);
    expect(writes.every((n) => [2, 3, 5].includes(n)), `absolute sizes only, never a sum: ${writes.join(', ')}`).to.equal(true);
  });
});
