import { expect } from 'chai';
import { chartDir, crdChartDir, helm, uniqueRelease } from './chart.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';

// Every optional feature on, to lint the templates' rarely rendered branches too.
const everythingOn = {
  watchNamespaces: ['team-a'],
  rbac: { secretNamespaces: ['team-a'], aggregateToEdit: true, scaleIn: true },
  credentials: { rrsa: { enabled: true, projectedToken: { enabled: true, roleArn: 'acs:ram::1:role/r', oidcProviderArn: 'acs:ram::1:oidc-provider/p' } } },
  serviceMonitor: { enabled: true }, prometheusRule: { enabled: true, additionalRules: [{ alert: 'X', expr: 'vector(1)' }] },
  grafanaDashboard: { enabled: true }, extraEnv: [{ name: 'A', value: 'b' }], extraArgs: ['--log-level=debug'],
  podAnnotations: { a: 'b' }, nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ operator: 'Exists' }],
};

describe('Helm chart: helm lint', () => {
  it('passes with default values', async () => {
    const { stdout } = await helm(['lint', chartDir]);
    expect(stdout).to.include('1 chart(s) linted, 0 chart(s) failed');
  });

  it('passes --strict with default values and with every optional feature on', async () => {
    for (const values of [{}, everythingOn]) {
      const { stdout } = await helm(['lint', '--strict', chartDir], values);
      expect(stdout).to.include('0 chart(s) failed');
    }
  });

  it('passes --strict for the CRD chart', async () => {
    const { stdout } = await helm(['lint', '--strict', crdChartDir]);
    expect(stdout).to.include('1 chart(s) linted, 0 chart(s) failed');
  });

  it('fails on values the schema refuses', async () => {
    const { code, stdout } = await helm(['lint', '--strict', chartDir], { replicaCount: 'two' }, { allowFailure: true });
    expect(code).to.not.equal(0);
    expect(stdout).to.include('/replicaCount');
  });
});

describe('Helm chart: bad values are refused with a message naming them', () => {
  const cases: [string, object, RegExp][] = [
    ['a misspelt key', { replicsCount: 2 }, /additional properties 'replicsCount' not allowed/],
    ['zero replicas', { replicaCount: 0 }, /\/replicaCount': minimum: got 0, want 1/],
    ['an unknown log level', { logLevel: 'verbose' }, /\/logLevel': value must be one of 'error', 'warn', 'info', 'debug'/],
    ['a namespace that is not a DNS label', { watchNamespaces: ['Team_A'] }, /\/watchNamespaces\/0': 'Team_A' does not match pattern/],
    ['a malformed digest', { image: { digest: 'latest' } }, /\/image\/digest': 'latest' does not match pattern/],
    ['a port out of range', { metrics: { port: 70000 } }, /\/metrics\/port': maximum: got 70,000, want 65,535/],
    ['a flag without dashes', { extraArgs: ['dry-run'] }, /\/extraArgs\/0': 'dry-run' does not match pattern/],
    ['a non-duration alert delay', { prometheusRule: { alerts: { stalled: { enabled: true, for: 'soon', severity: 'warning' } } } }, /\/prometheusRule\/alerts\/stalled\/for'/],
    ['several replicas without leader election', { leaderElection: { enabled: false } },
      /replicaCount is 2 but leaderElection.enabled is false: .*Set leaderElection.enabled=true or replicaCount=1/],
    ['both an AccessKey Secret and RRSA', { credentials: { existingSecret: 'ak', rrsa: { enabled: true, roleName: 'r' } } },
      /credentials.existingSecret and credentials.rrsa.enabled are both set/],
    ['RRSA without a role', { credentials: { rrsa: { enabled: true } } }, /credentials.rrsa.enabled needs credentials.rrsa.roleName/],
    ['a projected token without ARNs', { credentials: { rrsa: { enabled: true, projectedToken: { enabled: true } } } },
      /projectedToken.enabled needs credentials.rrsa.projectedToken.roleArn and .*oidcProviderArn/],
    ['a Secret namespace that is not watched', { watchNamespaces: ['team-a'], rbac: { secretNamespaces: ['team-b'] } },
      /rbac.secretNamespaces lists "team-b", which is not in watchNamespaces/],
    ['cluster-wide Secret access together with a namespace list', { rbac: { clusterWideSecretAccess: true, secretNamespaces: ['a'] } },
      /rbac.clusterWideSecretAccess already grants get on Secrets in every namespace/],
    ['an existing ServiceAccount without a name', { serviceAccount: { create: false } }, /serviceAccount.create is false: set serviceAccount.name/],
    ['a ServiceMonitor without the metrics Service', { serviceMonitor: { enabled: true }, metrics: { service: { enabled: false } } },
      /serviceMonitor.enabled needs metrics.service.enabled=true/],
  ];

  for (const [what, values, message] of cases) {
    it(`refuses ${what}`, async () => {
      const { code, stderr } = await helm(['template', 'bad', chartDir], values, { allowFailure: true });
      expect(code).to.not.equal(0);
      expect(stderr).to.match(message);
    });
  }

  it('refuses them at helm install too, before anything is created', async () => {
    const ns = await createTestNamespace('helm-bad');
    const release = uniqueRelease('bad');
    const { code, stderr } = await helm(['install', release, chartDir, '--namespace', ns, '--kubeconfig', testbed().kubeconfigPath],
      { logLevel: 'verbose' }, { allowFailure: true });
    expect(code).to.not.equal(0);
    expect(stderr).to.include("/logLevel': value must be one of");
    const { stdout } = await testbed().kubectl(['get', 'deployments,serviceaccounts,secrets', '-n', ns, '-o', 'name']);
    expect(stdout.split('\n').filter((l) => l.includes(release))).to.deep.equal([]);
  });
});
