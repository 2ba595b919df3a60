// The exactly-once promise across real process deaths: the controller is SIGKILLed (no shutdown code
// runs) at the two moments where a naive controller buys nodes twice, and a fresh process takes over.
import { expect } from 'chai';
import { baseSpec, eventually } from '../controller/fixture.js';
import { onlyTask, readyWith, scenarioPerTest } from './fixture.js';

const REPLICAS = 3;

describe('controller process: SIGKILL and restart', function () {
  this.timeout(300_000);
  const start = scenarioPerTest();

  it('killed after ScaleOutCluster was carried out but before its answer was recorded: the restarted controller adopts the task and buys nothing twice', async () => {
    const scenario = await start();
    // ACK carries the call out at once (the task exists) but holds the answer back for two minutes:
    // the controller sits between "called" and "recorded the task id" when it is killed.
    scenario.sim.control.addFault({ kind: 'slow', action: 'ScaleOutCluster', delayMs: 120_000, times: 1 });
    const first = scenario.spawn('ctl-first');
    await scenario.apply(baseSpec(scenario.clusterId, REPLICAS));
    const task = await eventually('the ScaleOutCluster task to exist at ACK', () => Promise.resolve(onlyTask(scenario)));
    await first.waitForLog('"calling ScaleOutCluster"', (e) => e.message === 'calling ScaleOutCluster');
    const beforeKill = await scenario.get();
    const [intent] = beforeKill.status?.tasks ?? [];
    expect(intent, 'the intent written before the call').to.include({ state: 'Requesting', count: REPLICAS });
    expect(intent?.taskId).to.equal(undefined);
    expect(first.logged('ScaleOutCluster accepted')).to.have.length(0);

    const exit = await first.kill();
    expect(exit.signal).to.equal('SIGKILL');
    expect((await scenario.get()).status?.tasks?.[0]).to.include({ intentId: intent?.intentId, state: 'Requesting' });

    const second = scenario.spawn('ctl-second');
    await readyWith(scenario, REPLICAS);
    const sc = await scenario.get();
    const record = sc.status?.tasks?.find((t) => t.intentId === intent?.intentId);
    expect(record, 'the same intent now carries the task id').to.include({ taskId: task.taskId, state: 'Succeeded', count: REPLICAS });
    const adopted = await eventually('a TaskAdopted event', async () => {
      const events = await scenario.events('TaskAdopted');
      return events.length > 0 ? events : undefined;
    });
    expect(adopted[0]?.message).to.contain(task.taskId);
    expect(scenario.requestedNodes(), 'nodes requested from ACK').to.equal(REPLICAS);
    expect(scenario.tasks()).to.have.length(1);
    expect(scenario.scaleOutRecords(), 'ScaleOutCluster calls ACK received').to.equal(1);
    expect(second.logged('calling ScaleOutCluster')).to.have.length(0);
    expect(await scenario.liveNodeCount()).to.equal(REPLICAS);
  });

  it('killed while the task runs: the restarted controller follows the same task and requests nothing new', async () => {
    const scenario = await start();
    // The task stays running until the test finishes it, so the kill lands inside it for sure.
    scenario.sim.control.addFault({ kind: 'task-stuck', times: 1 });
    const first = scenario.spawn('ctl-first');
    await scenario.apply(baseSpec(scenario.clusterId, REPLICAS));
    const running = await eventually('the task id recorded in status', async () => {
      const record = (await scenario.get()).status?.tasks?.[0];
      return record?.state === 'Running' && record.taskId !== undefined ? record : undefined;
    });
    expect(onlyTask(scenario)).to.include({ taskId: running.taskId, state: 'running' });

    await first.kill();
    const seqAtKill = scenario.sim.control.requests().at(-1)?.seq ?? 0;
    const second = scenario.spawn('ctl-second');
    // A running task is followed through the cluster's task list (one read for all its resources'
    // tasks) or asked for directly; either way the restarted controller looks at ACK, not at a guess.
    await eventually('the restarted controller to poll the task', () => Promise.resolve(
      scenario.sim.control.requests({ since: seqAtKill }).some((r) => r.action === 'DescribeClusterTasks' || r.path === `/tasks/${running.taskId}`),
    ), 60_000);
    scenario.sim.control.finishTask(running.taskId ?? '', { state: 'success' });
    await readyWith(scenario, REPLICAS);
    // A finished task is read itself, for its instance ids: the same task id as before the kill.
    expect(scenario.sim.control.requests({ action: 'DescribeTaskInfo', since: seqAtKill }).some((r) => r.path === `/tasks/${running.taskId}`), 'the same task read after the restart').to.equal(true);

    const record = (await scenario.get()).status?.tasks?.find((t) => t.intentId === running.intentId);
    expect(record).to.include({ taskId: running.taskId, state: 'Succeeded' });
    expect(scenario.requestedNodes()).to.equal(REPLICAS);
    expect(scenario.scaleOutRecords()).to.equal(1);
    expect(await scenario.events('TaskAdopted'), 'no recovery was needed: the task id was on record').to.have.length(0);
    expect(second.logged('calling ScaleOutCluster')).to.have.length(0);
    expect(await scenario.liveNodeCount()).to.equal(REPLICAS);
  });
});
