import { expect } from 'chai';
import { loadYaml } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestNamespace, testbed } from '../../support/testbed.js';
import { canI, chartDir, find, helm, repoRoot, template, toYaml, uniqueRelease, type Manifest } from './chart.js';

const SBC = 'sandboxcapacities.capacity.sandbox.dev';
const LEASES = 'leases.coordination.k8s.io';
const fullnameOf = (release: string): string => `${release}-sandbox-capacity-operator`;

async function apply(manifests: Manifest[], extra: string[] = []): Promise<string> {
  const { stdout } = await testbed().kubectl(['apply', ...extra, '-f', '-'], { input: toYaml(manifests) });
  return stdout;
}

/** [verb, resource, namespace?, subresource?] checked with kubectl auth can-i. */
type Check = [string, string, string?, string?];

async function answers(sa: { namespace: string; name: string }, checks: Check[]): Promise<string[]> {
  const results = await Promise.all(checks.map(async ([verb, resource, namespace, subresource]) => {
    const allowed = await canI(sa, verb, resource, { namespace, subresource });
    return `${allowed ? 'yes' : 'no '} ${verb} ${resource}${subresource ? `/${subresource}` : ''}${namespace ? ` -n ${namespace}` : ''}`;
  }));
  return results;
}
const expectAll = (results: string[], answer: 'yes' | 'no '): void => {
  expect(results.filter((r) => !r.startsWith(answer))).to.deep.equal([]);
};

describe('Helm chart on the test bed: rendered manifests applied to a real API server', () => {
  let ns: string;
  let secretNs: string;
  let otherNs: string;
  let release: string;
  let manifests: Manifest[];
  let sa: { namespace: string; name: string };

  before(async () => {
    [ns, secretNs, otherNs] = await Promise.all([createTestNamespace('chart'), createTestNamespace('chart-sec'), createTestNamespace('chart-other')]);
    release = uniqueRelease('apply');
    manifests = await template(release, ns, { rbac: { secretNamespaces: [secretNs] } });
    sa = { namespace: ns, name: fullnameOf(release) };
  });

  it('passes a server-side dry run that creates nothing, then applies', async () => {
    const dry = await apply(manifests, ['--dry-run=server']);
    expect(dry.trim().split('\n')).to.have.length(manifests.length);
    expect(dry).to.include('(server dry run)');
    const missing = await testbed().kubectl(['get', 'deployment', fullnameOf(release), '-n', ns], { allowFailure: true });
    expect(missing.stderr).to.include('NotFound');

    await apply(manifests);
    const { stdout } = await testbed().kubectl(['get', 'deployment', fullnameOf(release), '-n', ns, '-o', 'json']);
    const live = JSON.parse(stdout) as { spec: { replicas: number; template: { spec: { securityContext: { runAsNonRoot: boolean } } } } };
    expect(live.spec.replicas).to.equal(2);
    expect(live.spec.template.spec.securityContext.runAsNonRoot).to.equal(true);
    for (const m of manifests) {
      const args = ['get', `${m.kind}/${m.metadata.name}`, '-o', 'name', ...(m.metadata.namespace ? ['-n', m.metadata.namespace] : [])];
      expect((await testbed().kubectl(args)).stdout.trim().toLowerCase()).to.include(m.metadata.name);
    }
  });

  it('lets the ServiceAccount do everything the operator needs', async () => {
    const granted: Check[] = [
      ['get', 'nodes'], ['list', 'nodes'], ['watch', 'nodes'],
      ['get', SBC, otherNs], ['list', SBC, otherNs], ['watch', SBC, otherNs], ['list', SBC, secretNs],
      // patch: the finalizer that keeps a deleted resource's ledger while its requests are in flight.
      ['patch', SBC, otherNs],
      ['get', SBC, otherNs, 'status'], ['update', SBC, otherNs, 'status'], ['patch', SBC, otherNs, 'status'],
      ['create', 'events', otherNs], ['patch', 'events', otherNs],
      ['create', LEASES, ns], ['get', `${LEASES}/sandbox-capacity-operator`, ns], ['update', `${LEASES}/sandbox-capacity-operator`, ns],
      ['get', 'secrets', secretNs],
    ];
    expectAll(await answers(sa, granted), 'yes');
  });

  it('denies the ServiceAccount what the operator must not do', async () => {
    const denied: Check[] = [
      ['create', 'nodes'], ['update', 'nodes'], ['patch', 'nodes'], ['delete', 'nodes'],
      ['create', SBC, otherNs], ['update', SBC, otherNs], ['delete', SBC, otherNs],
      ['update', SBC, otherNs, 'scale'], ['patch', SBC, otherNs, 'scale'],
      ['get', 'secrets', otherNs], ['get', 'secrets', ns], ['list', 'secrets', secretNs], ['watch', 'secrets', secretNs],
      ['get', `${LEASES}/kube-scheduler`, ns], ['update', `${LEASES}/kube-scheduler`, ns], ['delete', `${LEASES}/sandbox-capacity-operator`, ns],
      ['create', LEASES, otherNs], ['list', 'events', otherNs], ['delete', 'events', otherNs],
      ['create', 'pods', ns], ['get', 'configmaps', ns], ['create', 'serviceaccounts/token', ns],
      // Scale-in's permissions come only with rbac.scaleIn.
      ['list', 'pods', otherNs], ['create', 'pods', otherNs, 'eviction'], ['list', 'poddisruptionbudgets.policy', otherNs],
    ];
    expectAll(await answers(sa, denied), 'no ');
  });

  it('runs under the restricted Pod Security Standard', async () => {
    const restricted = await createTestNamespace('chart-pss');
    await testbed().kubectl(['label', 'namespace', restricted, 'pod-security.kubernetes.io/enforce=restricted']);
    const podSpec = (find(manifests, 'Deployment') as Manifest & { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
    const pod = (spec: Record<string, unknown>): string => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'operator-pod' }, spec });
    const accepted = await testbed().kubectl(['create', '--dry-run=server', '-n', restricted, '-f', '-'], { input: pod(podSpec), allowFailure: true });
    expect(accepted.stderr).to.equal('');
    expect(accepted.code).to.equal(0);
    // The same pod without the chart's security settings is refused: the admission check is live.
    const containers = (podSpec.containers as Record<string, unknown>[]).map((c) => ({ ...c, securityContext: undefined }));
    const refused = await testbed().kubectl(['create', '--dry-run=server', '-n', restricted, '-f', '-'],
      { input: pod({ ...podSpec, securityContext: undefined, containers }), allowFailure: true });
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.include('violates PodSecurity "restricted');
  });
});

describe('Helm chart on the test bed: watchNamespaces', () => {
  it('confines SandboxCapacity, Event and Secret access to the watched namespaces', async () => {
    const [ns, watched, unwatched] = await Promise.all([createTestNamespace('chart'), createTestNamespace('chart-watched'), createTestNamespace('chart-unwatched')]);
    const release = uniqueRelease('watch');
    await apply(await template(release, ns, { watchNamespaces: [watched], rbac: { secretNamespaces: [watched] } }));
    const sa = { namespace: ns, name: fullnameOf(release) };
    expectAll(await answers(sa, [
      ['list', SBC, watched], ['watch', SBC, watched], ['patch', SBC, watched, 'status'], ['create', 'events', watched], ['get', 'secrets', watched], ['list', 'nodes'],
    ]), 'yes');
    expectAll(await answers(sa, [
      ['list', SBC, unwatched], ['list', SBC, ns], ['patch', SBC, unwatched, 'status'], ['create', 'events', unwatched], ['get', 'secrets', unwatched],
    ]), 'no ');
    expect(await canI(sa, 'list', SBC)).to.equal(false);
  });
});

describe('Helm chart on the test bed: rbac.scaleIn', () => {
  it('adds exactly Node patch, pod list, pods/eviction create and budget list, cluster-wide', async () => {
    const [ns, other] = await Promise.all([createTestNamespace('chart'), createTestNamespace('chart-other')]);
    const release = uniqueRelease('scalein');
    await apply(await template(release, ns, { watchNamespaces: [ns], rbac: { scaleIn: true } }));
    const sa = { namespace: ns, name: fullnameOf(release) };
    expectAll(await answers(sa, [
      ['patch', 'nodes'], ['list', 'pods', other], ['list', 'pods'], ['create', 'pods', other, 'eviction'], ['list', 'poddisruptionbudgets.policy', other],
    ]), 'yes');
    expectAll(await answers(sa, [
      ['update', 'nodes'], ['delete', 'nodes'], ['create', 'nodes'], ['delete', 'pods', other], ['watch', 'pods', other], ['get', 'pods', other],
      ['create', 'pods', other], ['patch', 'pods', other], ['watch', 'poddisruptionbudgets.policy', other], ['delete', 'poddisruptionbudgets.policy', other],
    ]), 'no ');
  });
});

describe('Helm chart on the test bed: monitoring objects', () => {
  it('applies the ServiceMonitor, PrometheusRule and dashboard ConfigMap', async () => {
    const crds = readFileSync(join(repoRoot, 'test', 'integration', 'packaging', 'fixtures', 'prometheus-operator-crds.yaml'), 'utf8');
    await testbed().kubectl(['apply', '-f', '-'], { input: crds });
    await testbed().kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/servicemonitors.monitoring.coreos.com', 'crd/prometheusrules.monitoring.coreos.com']);
    const ns = await createTestNamespace('chart-mon');
    const release = uniqueRelease('mon');
    const manifests = await template(release, ns, { serviceMonitor: { enabled: true }, prometheusRule: { enabled: true }, grafanaDashboard: { enabled: true } });
    await apply(manifests, ['--dry-run=server']);
    const out = await apply(manifests);
    expect(out).to.match(/servicemonitor\.monitoring\.coreos\.com\/\S+ created/);
    expect(out).to.match(/prometheusrule\.monitoring\.coreos\.com\/\S+ created/);
    const { stdout } = await testbed().kubectl(['get', 'configmap', '-n', ns, '-l', 'grafana_dashboard=1', '-o', 'name']);
    expect(stdout.trim()).to.equal(`configmap/${fullnameOf(release)}-dashboard`);
  });
});

describe('Helm chart on the test bed: helm install, upgrade, uninstall', () => {
  it('installs without waiting, upgrades, and uninstalls leaving the CRD and SandboxCapacity objects', async () => {
    const ns = await createTestNamespace('chart-helm');
    const release = uniqueRelease('helm');
    const kubeconfig = ['--kubeconfig', testbed().kubeconfigPath, '--namespace', ns];
    const installed = await helm(['install', release, chartDir, ...kubeconfig], { rbac: { secretNamespaces: [ns] } });
    expect(installed.stdout).to.include('STATUS: deployed');
    expect(installed.stdout).to.include(`sandbox-capacity-operator 0.1.0 is installed in namespace ${ns}`);

    const example = loadYaml<Manifest>(readFileSync(join(repoRoot, 'examples', 'minimal.yaml'), 'utf8'));
    example.metadata.namespace = ns;
    await testbed().kubectl(['apply', '-f', '-'], { input: JSON.stringify(example) });

    await helm(['upgrade', release, chartDir, ...kubeconfig], { replicaCount: 3, rbac: { secretNamespaces: [ns] } });
    const replicas = await testbed().kubectl(['get', 'deployment', fullnameOf(release), '-n', ns, '-o', 'jsonpath={.spec.replicas}']);
    expect(replicas.stdout).to.equal('3');

    await helm(['uninstall', release, ...kubeconfig]);
    const gone = await testbed().kubectl(['get', 'deployment', fullnameOf(release), '-n', ns], { allowFailure: true });
    expect(gone.stderr).to.include('NotFound');
    const clusterRole = await testbed().kubectl(['get', 'clusterrole', fullnameOf(release)], { allowFailure: true });
    expect(clusterRole.stderr).to.include('NotFound');
    await testbed().kubectl(['get', 'crd', SBC]);
    const kept = await testbed().kubectl(['get', SBC, example.metadata.name, '-n', ns, '-o', 'name']);
    expect(kept.stdout.trim()).to.equal(`sandboxcapacity.capacity.sandbox.dev/${example.metadata.name}`);
  });
});
