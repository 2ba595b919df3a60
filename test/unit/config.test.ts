import { expect } from 'chai';
import { parseConfig, usage, type OperatorConfig } from '../../src/config.js';

function config(argv: string[], env: NodeJS.ProcessEnv = {}): OperatorConfig {
  const c = parseConfig(argv, env);
  if (c === 'help' || c === 'version') throw new Error(`unexpected ${c}`);
  return c;
}

describe('operator flags', () => {
  it('has production defaults', () => {
    const c = config([]);
    expect(c).to.include({ leaderElect: false, metricsBindAddress: ':8080', healthProbeBindAddress: ':8081', dryRun: false, logLevel: 'info', workers: 4 });
    expect(c.namespaces).to.deep.equal([]);
    expect(c).to.include({ cloudConnectTimeoutMs: 5000, cloudReadTimeoutMs: 15_000, intentRecoveryWindowMs: 120_000, resyncPeriodMs: 300_000 });
  });

  it('parses namespaces, leader election and the cloud endpoint', () => {
    const c = config(['--namespace', 'a,b', '--namespace=c', '--leader-elect', '--cloud-endpoint', 'http://127.0.0.1:1', '--dry-run'], { POD_NAME: 'op-0', POD_NAMESPACE: 'ops' });
    expect(c.namespaces).to.deep.equal(['a', 'b', 'c']);
    expect(c).to.include({ leaderElect: true, identity: 'op-0', leaderElectionNamespace: 'ops', cloudEndpoint: 'http://127.0.0.1:1', dryRun: true });
  });

  it('takes Go durations for every time flag', () => {
    const c = config(['--resync-period', '5m', '--cloud-read-timeout=1m30s', '--cloud-connect-timeout', '750ms', '--intent-recovery-window', '1.5h']);
    expect(c).to.include({ resyncPeriodMs: 300_000, cloudReadTimeoutMs: 90_000, cloudConnectTimeoutMs: 750, intentRecoveryWindowMs: 5_400_000 });
  });

  it('keeps bare numbers in each flag\'s old unit: milliseconds for the cloud timeouts, seconds for the rest', () => {
    const c = config(['--resync-period', '60', '--cloud-read-timeout', '30000', '--cloud-connect-timeout=2000', '--intent-recovery-window', '4']);
    expect(c).to.include({ resyncPeriodMs: 60_000, cloudReadTimeoutMs: 30_000, cloudConnectTimeoutMs: 2000, intentRecoveryWindowMs: 4000 });
  });

  it('refuses malformed, zero, negative and timer-overflowing durations, naming the flag and the bare unit', () => {
    expect(() => parseConfig(['--resync-period', '5 minutes'], {})).to.throw(/--resync-period: .*a bare number is seconds.*"5 minutes"/);
    expect(() => parseConfig(['--cloud-read-timeout', '15sec'], {})).to.throw(/--cloud-read-timeout: .*a bare number is milliseconds/);
    expect(() => parseConfig(['--resync-period', '0'], {})).to.throw(/--resync-period: expected a duration above 0/);
    expect(() => parseConfig(['--resync-period', '0s'], {})).to.throw(/--resync-period: expected a duration above 0/);
    expect(() => parseConfig(['--cloud-connect-timeout', '-5s'], {})).to.throw(/--cloud-connect-timeout/);
    expect(() => parseConfig(['--resync-period', '600h'], {})).to.throw(/--resync-period: .*at most/);
    expect(config(['--resync-period', '596h']).resyncPeriodMs).to.equal(596 * 3_600_000);
  });

  it('refuses unknown flags and bad values with the flag\'s name', () => {
    expect(() => parseConfig(['--replicas=3'], {})).to.throw(/replicas/);
    expect(() => parseConfig(['--workers', 'many'], {})).to.throw(/--workers/);
    expect(() => parseConfig(['--workers', '0'], {})).to.throw(/--workers: expected a whole number of at least 1/);
    expect(() => parseConfig(['--workers', '2.5'], {})).to.throw(/--workers/);
    expect(() => parseConfig(['--log-level', 'loud'], {})).to.throw(/--log-level/);
  });

  it('documents every flag in --help and answers --version', () => {
    expect(parseConfig(['--help'], {})).to.equal('help');
    expect(parseConfig(['--version'], {})).to.equal('version');
    for (const flag of ['--kubeconfig', '--namespace', '--leader-elect', '--metrics-bind-address', '--health-probe-bind-address', '--cloud-endpoint', '--dry-run', '--log-level', '--version', '--resync-period']) {
      expect(usage()).to.include(flag);
    }
    expect(usage()).to.match(/--resync-period\s+.*5m.*bare number is seconds/);
  });
});
