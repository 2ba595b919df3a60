import { expect } from 'chai';
import { FAULT_EXAMPLES, nextSteps, type PlayContext } from '../../../src/demo/next-steps.js';
import { checkFaultRule, FaultEngine } from '../../../src/simulator/faults.js';
import type { FaultRuleInput } from '../../../src/simulator/index.js';

const ctx: PlayContext = {
  kubeconfigPath: '/dev/shm/sco-control-plane-a1b2c3/kubeconfig',
  kubectlDir: '/root/.cache/sandbox-capacity-operator/assets/kubernetes-v1.34.4-etcd-v3.6.4-helm-v3.19.5',
  simulatorUrl: 'http://127.0.0.1:40123',
  metricsUrl: 'http://127.0.0.1:40125/metrics',
  namespace: 'sandbox-system',
  name: 'sandbox-workers',
  manifest: '/work/repo/examples/minimal.yaml',
};

const commands = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('  ') && !l.trim().startsWith('#')).map((l) => l.trim());

describe('demo next steps', () => {
  const text = nextSteps(ctx);

  it('sets up kubectl with two exports instead of absolute paths on every line', () => {
    expect(commands(text).slice(0, 2)).to.deep.equal([`export KUBECONFIG=${ctx.kubeconfigPath}`, `export PATH=${ctx.kubectlDir}:$PATH`]);
    const kubectl = commands(text).filter((c) => c.includes('kubectl'));
    expect(kubectl.length).to.be.greaterThan(5);
    for (const c of kubectl) {
      expect(c, c).to.not.include('--kubeconfig');
      expect(c, c).to.not.include(ctx.kubectlDir);
    }
  });

  it('prints only runnable commands: no placeholder, no line longer than a terminal needs', () => {
    for (const c of commands(text)) {
      expect(c, c).to.not.match(/<[^>]*>/);
      if (!c.startsWith('export ')) expect(c.length, c).to.be.at.most(120);
    }
  });

  it('fills in the simulator URL and sends every fault rule as JSON the simulator accepts', () => {
    const faults = commands(text).filter((c) => c.includes('-X POST'));
    expect(faults).to.have.length(FAULT_EXAMPLES.length);
    const engine = new FaultEngine(1);
    for (const c of faults) {
      const m = /^curl -s -X POST (\S+) -d '([^']+)'$/.exec(c);
      expect(m, c).to.not.equal(null);
      expect(m?.[1]).to.equal(`${ctx.simulatorUrl}/_sim/faults`);
      const rule = JSON.parse(m?.[2] ?? '') as FaultRuleInput;
      expect(() => { checkFaultRule(rule); }, c).to.not.throw();
      expect(engine.add(rule).kind, c).to.equal(rule.kind);
    }
    expect(faults[0]).to.include('"kind":"throttle"');
  });

  it('gives the operator\'s metrics URL when known, and leaves the line out when not', () => {
    expect(commands(text)).to.include(`curl -s ${ctx.metricsUrl} | grep ^sandbox_capacity_`);
    expect(nextSteps({ ...ctx, metricsUrl: undefined })).to.not.include('metrics');
  });

  it('applies the same manifest to bring a deleted resource back', () => {
    expect(commands(text)).to.include.members([`kubectl delete sbc ${ctx.name} -n ${ctx.namespace}`, `kubectl apply -f ${ctx.manifest}`]);
  });
});
