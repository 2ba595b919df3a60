import { expect } from 'chai';
import { baseSpec, startScenario, type Scenario } from './fixture.js';
import { clusterNodes, eventsWithReason, instancesCreated, readyWith, recordStatuses, scaleOutAttempts, type StatusHistory } from './observe.js';

/** Exactly `replicas` instances exist in ACK and as Nodes: nothing was bought twice. */
async function expectExactlyCreated(s: Scenario, replicas: number): Promise<void> {
  expect(s.sim.control.listFaults(), 'every injected fault was used up').to.deep.equal([]);
  expect(instancesCreated(s), 'instances created in ACK').to.equal(replicas);
  expect((await clusterNodes(s)).length, 'Nodes').to.equal(replicas);
}

describe('controller: throttling, 5xx and timeout storms', function () {
  this.timeout(150_000);
  let s: Scenario;
  let history: StatusHistory | undefined;

  afterEach(async () => {
    history?.stop();
    history = undefined;
    await s.close();
  });

  it('backs off through a throttling storm: one call per backoff step, then converges', async () => {
    s = await startScenario();
    s.sim.control.addFault({ kind: 'throttle', action: 'ScaleOutCluster', times: 3, retryAfterMs: 3000 });
    await s.startOperator();
    history = await recordStatuses(s);
    await s.apply(baseSpec(s.clusterId, 3));
    const done = await readyWith(s, 3);

    const attempts = scaleOutAttempts(s);
    // Three throttled calls, each followed by a backoff, then the one that was accepted: no extra
    // call from the controller, and none from the SDK retrying on its own.
    expect(attempts.map((a) => a.code ?? 'accepted')).to.deep.equal(['Throttling.User', 'Throttling.User', 'Throttling.User', 'accepted']);
    expect(attempts.map((a) => a.count)).to.deep.equal([3, 3, 3, 3]);
    const times = s.sim.control.requests({ action: 'ScaleOutCluster' }).map((r) => Date.parse(r.time));
    // ACK's retry-after (3 s) is honoured: without it the first retry would come after backoff.initial
    // (1 s, rounded up to the second). A loaded machine only stretches the gaps.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `gap before call ${i + 1}`).to.be.at.least(2950);
    await expectExactlyCreated(s, 3);

    const failures = history.statuses.map((st) => st.consecutiveFailures ?? 0);
    expect(Math.max(...failures)).to.equal(3);
    expect(done.status?.consecutiveFailures).to.equal(0);
    expect(done.status?.nextRetryTime ?? null).to.equal(null);
    expect(await eventsWithReason(s, 'BackingOff')).to.have.length.greaterThan(0);
    const refused = done.status?.tasks?.filter((t) => t.state === 'Refused') ?? [];
    expect(refused.map((t) => t.message).join('\n')).to.contain('Throttling.User');
  });

  it('adopts the tasks of ScaleOutCluster calls answered with 5xx after ACK created them, through 5xx on reads too', async () => {
    s = await startScenario();
    s.sim.control.updateCluster(s.clusterId, { maxConcurrentScaleOuts: 3 });
    s.sim.control.addFault({ kind: 'lost-response', action: 'ScaleOutCluster', mode: 'error', times: 3 });
    s.sim.control.addFault({ kind: 'unavailable', action: 'DescribeClusterTasks', times: 1 });
    s.sim.control.addFault({ kind: 'unavailable', action: 'DescribeTaskInfo', times: 1 });
    await s.startOperator();
    await s.apply({ ...baseSpec(s.clusterId, 3), limits: { maxNodesPerScaleOut: 1, maxInFlightNodes: 3 } });
    const done = await readyWith(s, 3);

    const attempts = scaleOutAttempts(s);
    expect(attempts.map((a) => a.status)).to.deep.equal([503, 503, 503]);
    expect(attempts.every((a) => a.taskId !== undefined), 'each lost answer had created a task').to.equal(true);
    await expectExactlyCreated(s, 3);
    expect(done.status?.tasks?.filter((t) => t.state === 'Succeeded').map((t) => t.taskId)).to.have.members(attempts.map((a) => a.taskId));
    expect(await eventsWithReason(s, 'TaskAdopted')).to.have.length(3);
    expect(await eventsWithReason(s, 'IntentAbandoned')).to.have.length(0);
  });

  it('adopts the tasks of ScaleOutCluster calls that timed out or lost their connection', async () => {
    s = await startScenario();
    s.sim.control.updateCluster(s.clusterId, { maxConcurrentScaleOuts: 3 });
    // Answered after the read timeout; never answered; connection reset: each after creating the task.
    s.sim.control.addFault({ kind: 'slow', action: 'ScaleOutCluster', delayMs: 4000, times: 1 });
    s.sim.control.addFault({ kind: 'lost-response', action: 'ScaleOutCluster', mode: 'timeout', delayMs: 4000, times: 1 });
    s.sim.control.addFault({ kind: 'lost-response', action: 'ScaleOutCluster', mode: 'reset', times: 1 });
    await s.startOperator(['--cloud-read-timeout', '1500', '--cloud-connect-timeout', '1500']);
    await s.apply({ ...baseSpec(s.clusterId, 3), limits: { maxNodesPerScaleOut: 1, maxInFlightNodes: 3 } });
    const done = await readyWith(s, 3);

    const attempts = scaleOutAttempts(s);
    expect(attempts.map((a) => a.faults[0])).to.deep.equal(['slow', 'lost-response', 'lost-response']);
    await expectExactlyCreated(s, 3);
    expect(done.status?.tasks?.filter((t) => t.state === 'Succeeded')).to.have.length(3);
    expect(await eventsWithReason(s, 'TaskAdopted')).to.have.length(3);
    const warnings = s.logs.join('').split('\n').filter((line) => line.includes('ScaleOutCluster failed'));
    // Read and connect timeouts are both set to 1.5 s; httpx's connect timeout is a socket-idle timeout, so either may fire first.
    expect(warnings.join('\n')).to.match(/ReadTimeout|ConnectTimeout|RequestTimeout/);
    expect(warnings.join('\n')).to.contain('ECONNRESET');
  });
});
