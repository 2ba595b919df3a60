// The Argo CD health check (deploy/argocd/health.lua, run with lua5.1 as Argo CD's sandbox would)
// judged on live SandboxCapacity objects written by the real controller — not on hand-made
// fixtures: Progressing while scaling out, Healthy once converged, Suspended when paused, Degraded
// when ACK refuses the request (Stalled).
import { expect } from 'chai';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GROUP, PLURAL, VERSION } from '../../../src/api/sandbox-capacity.js';
import { baseSpec, condition, eventually, startScenario, type Scenario } from '../controller/fixture.js';
import { runHealthCheck } from '../../unit/packaging/lua-health.js';

const script = join(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'deploy', 'argocd', 'health.lua');

describe('Argo CD health check on objects the controller wrote', function () {
  this.timeout(180_000);
  let s: Scenario;
  afterEach(async () => { await s.close(); });

  async function patchSpec(ops: { op: string; path: string; value: unknown }[]): Promise<void> {
    await s.objects.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: s.ns, plural: PLURAL, name: 'workers', body: ops });
  }

  it('follows a resource through Progressing, Healthy, Suspended and Degraded', async () => {
    s = await startScenario({ taskDurationMs: 2000 });
    await s.startOperator();
    await s.apply(baseSpec(s.clusterId, 2));
    const scaling = await eventually('a task in flight', async () => {
      const sc = await s.get();
      return (sc.status?.inFlightReplicas ?? 0) > 0 && sc.status?.observedGeneration === sc.metadata.generation ? sc : undefined;
    });
    expect((await runHealthCheck(script, scaling)).status).to.equal('Progressing');

    const converged = await eventually('converged', async () => {
      const sc = await s.get();
      return condition(sc, 'Ready')?.status === 'True' && sc.status?.inFlightReplicas === 0 ? sc : undefined;
    });
    expect((await runHealthCheck(script, converged)).status).to.equal('Healthy');

    await patchSpec([{ op: 'replace', path: '/spec/paused', value: true }, { op: 'replace', path: '/spec/replicas', value: 3 }]);
    const paused = await eventually('paused observed', async () => {
      const sc = await s.get();
      return sc.status?.observedGeneration === sc.metadata.generation && sc.status?.lastDecision?.reason === 'Paused' ? sc : undefined;
    });
    expect((await runHealthCheck(script, paused)).status).to.equal('Suspended');

    await patchSpec([
      { op: 'replace', path: '/spec/paused', value: false },
      { op: 'replace', path: '/spec/scaleOut/instanceTypes', value: ['ecs.g7.large'] },
    ]);
    const stalled = await eventually('Stalled', async () => {
      const sc = await s.get();
      return condition(sc, 'Stalled')?.status === 'True' && sc.status?.observedGeneration === sc.metadata.generation ? sc : undefined;
    });
    const health = await runHealthCheck(script, stalled);
    expect(health.status).to.equal('Degraded');
    expect(health.message).to.include('InvalidParameter');
  });
});
