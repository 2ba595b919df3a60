import { expect } from 'chai';
import type { SandboxCapacity, TaskRecord, TaskState } from '../../../src/api/sandbox-capacity.js';
import { baseSpec, condition, startScenario, type Scenario } from './fixture.js';
import { clusterNodes, eventsWithReason, instancesFailed, readyWith, recordStatuses, scaleOutAttempts, type StatusHistory } from './observe.js';

function taskIn(sc: SandboxCapacity, state: TaskState): TaskRecord {
  const found = sc.status?.tasks?.find((t) => t.state === state);
  if (!found) throw new Error(`no ${state} task in status: ${JSON.stringify(sc.status?.tasks)}`);
  return found;
}

function backedOff(history: StatusHistory): boolean {
  return history.statuses.some((st) => (st.consecutiveFailures ?? 0) >= 1 && typeof st.nextRetryTime === 'string'
    && condition({ status: st } as SandboxCapacity, 'Reconciling')?.reason === 'BackingOff');
}

describe('controller: failed scale-out tasks', function () {
  this.timeout(120_000);
  let s: Scenario;
  let history: StatusHistory | undefined;

  afterEach(async () => {
    history?.stop();
    await s.close();
  });

  it('counts a wholly failed task, backs off, then requests the missing nodes again', async () => {
    s = await startScenario();
    s.sim.control.addFault({ kind: 'task-fail', times: 1, code: 'InstanceCreateFailed', message: 'no bare metal left in cn-hangzhou-h' });
    await s.startOperator();
    history = await recordStatuses(s);
    await s.apply(baseSpec(s.clusterId, 3));
    const done = await readyWith(s, 3);

    // Requested: the 3 needed plus the 3 that failed, nothing more.
    const counts = scaleOutAttempts(s).map((c) => c.count);
    expect(counts).to.deep.equal([3, 3]);
    expect(instancesFailed(s)).to.equal(3);
    expect((await clusterNodes(s)).length).to.equal(3);

    const failed = taskIn(done, 'Failed');
    expect(failed).to.include({ count: 3, failedCount: 3 });
    expect(failed.instanceIds).to.deep.equal([]);
    expect(failed.message).to.contain('no bare metal left');
    expect(taskIn(done, 'Succeeded')).to.include({ count: 3 });

    expect(backedOff(history), 'a status with consecutiveFailures ≥ 1, nextRetryTime and Reconciling=BackingOff').to.equal(true);
    expect(done.status?.consecutiveFailures).to.equal(0);
    expect(done.status?.nextRetryTime ?? null).to.equal(null);
    const [scaleOutFailed] = await eventsWithReason(s, 'ScaleOutFailed');
    expect(scaleOutFailed?.type).to.equal('Warning');
    expect(scaleOutFailed?.message).to.contain('0 of 3 nodes created, 3 failed');
    expect(await eventsWithReason(s, 'BackingOff')).to.have.length.greaterThan(0);
  });

  it('counts a partly failed task and retries only the nodes that failed', async () => {
    s = await startScenario();
    s.sim.control.addFault({ kind: 'task-fail', times: 1, failFraction: 0.5 });
    await s.startOperator();
    history = await recordStatuses(s);
    await s.apply(baseSpec(s.clusterId, 4));
    const done = await readyWith(s, 4);

    const counts = scaleOutAttempts(s).map((c) => c.count);
    expect(counts).to.deep.equal([4, 2]);
    expect(counts.reduce((a, b) => a + b, 0)).to.equal(4 + instancesFailed(s));
    expect(instancesFailed(s)).to.equal(2);
    expect((await clusterNodes(s)).length).to.equal(4);

    const failed = taskIn(done, 'Failed');
    expect(failed).to.include({ count: 4, failedCount: 2 });
    expect(failed.instanceIds).to.have.length(2);
    // The two delivered nodes of the failed task are the ones that joined.
    expect(failed.joinedInstanceIds).to.have.members(failed.instanceIds ?? []);
    expect(backedOff(history)).to.equal(true);
    expect(done.status?.consecutiveFailures).to.equal(0);
    const failures = await eventsWithReason(s, 'ScaleOutFailed');
    expect(failures.map((e) => e.message).join('\n')).to.contain('2 of 4 nodes created, 2 failed');
    expect(await eventsWithReason(s, 'BackingOff')).to.have.length.greaterThan(0);
    expect(await eventsWithReason(s, 'ScaleOutSucceeded')).to.have.length.greaterThan(0);
  });
});
