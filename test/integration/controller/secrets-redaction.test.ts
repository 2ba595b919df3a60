import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { baseSpec, condition, eventually, startScenario, type Scenario } from './fixture.js';
import { listEvents, scaleOutAttempts } from './observe.js';

/** The forms a leaked secret would take: as is, and base64 as in a dumped Secret object. */
function leakForms(secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64')];
}

describe('controller: secrets stay secret', function () {
  this.timeout(120_000);
  let s: Scenario;

  afterEach(async () => { await s.close(); });

  it('never puts the login password or the AccessKey secret in a log line, an Event, the status or a metric', async () => {
    const accessKeySecret = `AkS${randomBytes(12).toString('hex')}`;
    const password = `Pw9!${randomBytes(6).toString('hex')}`;
    s = await startScenario({ accessKeys: [{ accessKeyId: 'LTAI-redaction-check', accessKeySecret }] });
    await s.core.createNamespacedSecret({ namespace: s.ns, body: { metadata: { name: 'node-password' }, stringData: { password } } });
    // Error paths log more than the happy path: a lost answer (recovered from the task list) of a
    // task that partly fails, and a throttled poll, all happen before it converges.
    s.sim.control.addFault({ kind: 'lost-response', action: 'ScaleOutCluster', mode: 'error', times: 1 });
    s.sim.control.addFault({ kind: 'task-fail', failFraction: 0.5, times: 1 });
    s.sim.control.addFault({ kind: 'throttle', action: 'DescribeTaskInfo', times: 1 });
    await s.startOperator();
    const spec = baseSpec(s.clusterId, 3);
    const template: Record<string, unknown> = { ...(spec.scaleOut as Record<string, unknown>), loginPasswordSecretRef: { name: 'node-password', key: 'password' } };
    delete template.keyPair;
    await s.apply({ ...spec, scaleOut: template });
    const done = await eventually('3 ready', async () => {
      const sc: SandboxCapacity = await s.get();
      return sc.status?.readyReplicas === 3 && condition(sc, 'Ready')?.status === 'True' ? sc : undefined;
    }, 90_000);

    // The password did reach ACK (the simulator refuses a request without key pair or password) and
    // the simulator kept it out of its own record.
    const bodies = s.sim.control.requests({ action: 'ScaleOutCluster' }).map((r) => r.body as Record<string, unknown>);
    expect(bodies.every((b) => b.login_password === '******')).to.equal(true);
    expect(scaleOutAttempts(s).some((a) => a.status === 202)).to.equal(true);
    expect(s.sim.control.listFaults(), 'every injected fault was used up').to.deep.equal([]);

    const logText = s.logs.join('');
    expect(logText).to.contain('calling ScaleOutCluster');
    expect(logText).to.contain('ScaleOutCluster failed');
    expect(logText).to.contain('"level":"warn"');
    const events = JSON.stringify(await listEvents(s));
    expect(events).to.contain('ScaleOutFailed');
    const places: Record<string, string> = {
      'operator logs': logText,
      Events: events,
      status: JSON.stringify(done.status),
      metrics: await s.operator!.metrics.registry.metrics(),
      'simulator records': JSON.stringify(s.sim.control.requests()),
      'simulator tasks': JSON.stringify(s.sim.control.listTasks(s.clusterId)),
    };
    for (const [where, text] of Object.entries(places)) {
      for (const form of [...leakForms(password), ...leakForms(accessKeySecret)]) {
        expect(text.includes(form), `${where} contain a secret (${form.slice(0, 4)}…)`).to.equal(false);
      }
    }
  });
});
