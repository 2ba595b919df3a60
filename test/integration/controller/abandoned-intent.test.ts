// A 503 where ACK created no task: the outcome is unknown to the controller, so it must not simply
// call again. It looks for the task in ACK's task list for --intent-recovery-window, finds none,
// marks the intent abandoned (IntentAbandoned), backs off and only then requests again.
import { expect } from 'chai';
import { baseSpec, startScenario, type Scenario } from './fixture.js';
import { eventsWithReason, instancesCreated, readyWith, scaleOutAttempts } from './observe.js';

describe('controller: a request that never reached ACK', function () {
  this.timeout(150_000);
  let s: Scenario;
  afterEach(async () => { await s.close(); });

  it('is abandoned only after the recovery window, then requested again exactly once', async () => {
    s = await startScenario();
    s.sim.control.addFault({ kind: 'unavailable', action: 'ScaleOutCluster', times: 1 });
    await s.startOperator(['--intent-recovery-window', '4']);
    await s.apply(baseSpec(s.clusterId, 2));
    const done = await readyWith(s, 2);

    const attempts = scaleOutAttempts(s);
    expect(attempts.map((a) => a.code ?? 'accepted')).to.deep.equal(['ServiceUnavailable', 'accepted']);
    const [first, second] = s.sim.control.requests({ action: 'ScaleOutCluster' }).map((r) => Date.parse(r.time));
    expect(second! - first!, 'the retry waited for the recovery window').to.be.at.least(4000);
    const abandoned = done.status?.tasks?.find((t) => t.state === 'Abandoned');
    expect(abandoned?.count).to.equal(2);
    expect(await eventsWithReason(s, 'IntentAbandoned')).to.have.length(1);
    expect(instancesCreated(s)).to.equal(2);
  });
});
