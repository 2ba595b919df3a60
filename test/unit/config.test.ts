import { expect } from 'chai';
import { parseConfig, usage } from '../../src/config.js';

describe('operator flags', () => {
  it('has production defaults', () => {
    const c = parseConfig([], {});
    expect(c).to.not.equal('help');
    if (c === 'help') return;
    expect(c).to.include({ leaderElect: false, metricsBindAddress: ':8080', healthProbeBindAddress: ':8081', dryRun: false, logLevel: 'info', workers: 4 });
    expect(c.namespaces).to.deep.equal([]);
    expect(c.cloudConnectTimeoutMs).to.be.greaterThan(3000);
  });

  it('parses namespaces, leader election and the cloud endpoint', () => {
    const c = parseConfig(['--namespace', 'a,b', '--namespace=c', '--leader-elect', '--cloud-endpoint', 'http://127.0.0.1:1', '--dry-run'], { POD_NAME: 'op-0', POD_NAMESPACE: 'ops' });
    if (c === 'help') throw new Error('unexpected help');
    expect(c.namespaces).to.deep.equal(['a', 'b', 'c']);
    expect(c).to.include({ leaderElect: true, identity: 'op-0', leaderElectionNamespace: 'ops', cloudEndpoint: 'http://127.0.0.1:1', dryRun: true });
  });

  it('refuses unknown flags and bad values with the flag\'s name', () => {
    expect(() => parseConfig(['--replicas=3'], {})).to.throw(/replicas/);
    expect(() => parseConfig(['--workers', 'many'], {})).to.throw(/--workers/);
    expect(() => parseConfig(['--log-level', 'loud'], {})).to.throw(/--log-level/);
  });

  it('documents every flag in --help', () => {
    expect(parseConfig(['--help'], {})).to.equal('help');
    for (const flag of ['--kubeconfig', '--namespace', '--leader-elect', '--metrics-bind-address', '--health-probe-bind-address', '--cloud-endpoint', '--dry-run', '--log-level']) {
      expect(usage()).to.include(flag);
    }
  });
});
