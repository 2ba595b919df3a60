import { expect } from 'chai';
import { loadAllYaml, loadYaml } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crdChartDir, find, findAll, helm, renderedDocuments, repoRoot, template, chartDir, type Manifest, type PolicyRule } from './chart.js';

interface Container {
  name: string;
  image: string;
  args: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { secretRef?: { name: string } }[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  securityContext: Record<string, unknown>;
  resources: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  securityContext: Record<string, unknown>;
  containers: Container[];
  volumes?: { name: string; projected?: { sources: { serviceAccountToken?: { audience: string; path: string } }[] } }[];
  topologySpreadConstraints?: { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }[];
}
interface Deployment extends Manifest { spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } }
interface Role extends Manifest { rules: PolicyRule[] }

const NS = 'sandbox-system';
const release = 'sco';
const fullname = 'sco-sandbox-capacity-operator';
const deployment = (m: Manifest[]): Deployment => find(m, 'Deployment') as Deployment;
const container = (m: Manifest[]): Container => deployment(m).spec.template.spec.containers[0]!;
const rules = (m: Manifest[], kind: 'Role' | 'ClusterRole', name: string, namespace?: string): PolicyRule[] => (find(m, kind, name, namespace) as Role).rules;
const envValue = (c: Container, name: string): string | undefined => c.env?.find((e) => e.name === name)?.value;
// Helm keeps the CRD (uninstall, upgrade, rollback); Argo CD neither prunes nor deletes it.
const CRD_PROTECTION = { 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' };
const sourceCrd = (): Manifest => (loadAllYaml(readFileSync(join(repoRoot, 'crds', 'sandboxcapacities.capacity.sandbox.dev.yaml'), 'utf8')) as Manifest[])
  .find((d) => d.kind === 'CustomResourceDefinition') as Manifest;

describe('Helm chart: helm template', () => {
  describe('with default values', () => {
    let m: Manifest[];
    before(async () => { m = await template(release, NS); });

    it('renders the operator objects and no optional ones', () => {
      const kinds = m.map((o) => `${o.kind}/${o.metadata.name}`).sort();
      expect(kinds).to.deep.equal([
        `ClusterRole/${fullname}`, `ClusterRole/${fullname}-view`, `ClusterRoleBinding/${fullname}`,
        `Deployment/${fullname}`, `PodDisruptionBudget/${fullname}`,
        `Role/${fullname}-leader-election`, `RoleBinding/${fullname}-leader-election`,
        `Service/${fullname}-metrics`, `ServiceAccount/${fullname}`,
      ]);
      for (const o of m.filter((x) => !x.kind.startsWith('Cluster'))) expect(o.metadata.namespace, `${o.kind} namespace`).to.equal(NS);
    });

    it('runs two replicas with leader election on a Lease in the release namespace', () => {
      expect(deployment(m).spec.replicas).to.equal(2);
      expect(container(m).args).to.include.members(['--leader-elect', `--leader-election-namespace=${NS}`, '--leader-election-id=sandbox-capacity-operator']);
      expect(container(m).args.some((a) => a.startsWith('--namespace'))).to.equal(false);
      expect(container(m).env?.map((e) => e.name)).to.include.members(['POD_NAME', 'POD_NAMESPACE']);
      expect((find(m, 'PodDisruptionBudget') as Manifest & { spec: { minAvailable: number } }).spec.minAvailable).to.equal(1);
    });

    it('runs the appVersion image with the metrics and probe endpoints wired to the probes and Service', () => {
      expect(container(m).image).to.equal('sandbox-capacity-operator:0.1.0');
      expect(container(m).args).to.include.members(['--metrics-bind-address=:8080', '--health-probe-bind-address=:8081', '--log-level=info']);
      expect(container(m).ports).to.deep.equal([{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }, { name: 'health', containerPort: 8081, protocol: 'TCP' }]);
      expect(container(m).livenessProbe.httpGet).to.deep.equal({ path: '/healthz', port: 'health' });
      expect(container(m).readinessProbe.httpGet).to.deep.equal({ path: '/readyz', port: 'health' });
      const service = find(m, 'Service') as Manifest & { spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] } };
      expect(service.spec.selector).to.deep.equal(deployment(m).spec.selector.matchLabels);
      expect(service.spec.ports).to.deep.equal([{ name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' }]);
    });

    it('locks the pod down: non-root, read-only root, no capabilities, RuntimeDefault seccomp', () => {
      const pod = deployment(m).spec.template.spec;
      expect(pod.securityContext).to.deep.include({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container(m).securityContext).to.deep.equal({
        allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
      });
      expect(container(m).resources).to.have.keys('requests', 'limits');
      expect(pod.automountServiceAccountToken).to.equal(true);
      expect((find(m, 'ServiceAccount') as Manifest & { automountServiceAccountToken: boolean }).automountServiceAccountToken).to.equal(false);
      expect(pod.serviceAccountName).to.equal(fullname);
    });

    it('spreads the replicas over nodes and zones', () => {
      const spread = deployment(m).spec.template.spec.topologySpreadConstraints ?? [];
      expect(spread.map((s) => s.topologyKey)).to.deep.equal(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
      for (const s of spread) expect(s.labelSelector.matchLabels).to.deep.equal(deployment(m).spec.template.metadata.labels);
    });

    it('grants cluster-wide exactly: nodes read, SandboxCapacity read and finalizer patch, status write, Events create/patch', () => {
      expect(rules(m, 'ClusterRole', fullname)).to.deep.equal([
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['capacity.sandbox.dev'], resources: ['sandboxcapacities'], verbs: ['get', 'list', 'watch', 'patch'] },
        { apiGroups: ['capacity.sandbox.dev'], resources: ['sandboxcapacities/status'], verbs: ['get', 'update', 'patch'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      ]);
    });

    it('limits leader election to creating Leases and get/update of its own Lease', () => {
      expect(rules(m, 'Role', `${fullname}-leader-election`, NS)).to.deep.equal([
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['sandbox-capacity-operator'], verbs: ['get', 'update'] },
      ]);
    });

    it('grants no Secret access at all', () => {
      const all = [...findAll(m, 'ClusterRole'), ...findAll(m, 'Role')].flatMap((r) => (r as Role).rules);
      expect(all.filter((r) => r.resources.includes('secrets'))).to.deep.equal([]);
    });

    it('keeps CRDs out of the templates and ships the repository CRD in crds/', async () => {
      expect(findAll(m, 'CustomResourceDefinition')).to.deep.equal([]);
      const withCrds = await template(release, NS, {}, ['--include-crds']);
      const crd = find(withCrds, 'CustomResourceDefinition');
      expect(crd).to.deep.equal(sourceCrd());
      expect(crd.metadata.annotations).to.include(CRD_PROTECTION);
    });
  });

  it('confines SandboxCapacity, Event and Secret access to the listed namespaces', async () => {
    const m = await template(release, NS, { watchNamespaces: ['team-a', 'team-b'], rbac: { secretNamespaces: ['team-a'] } });
    expect(container(m).args).to.include('--namespace=team-a,team-b');
    expect(rules(m, 'ClusterRole', fullname)).to.deep.equal([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }]);
    for (const ns of ['team-a', 'team-b']) {
      expect(rules(m, 'Role', fullname, ns).map((r) => r.resources[0])).to.deep.equal(['sandboxcapacities', 'sandboxcapacities/status', 'events']);
      expect(find(m, 'RoleBinding', fullname, ns)).to.have.nested.property('subjects[0].namespace', NS);
    }
    expect(rules(m, 'Role', `${fullname}-secret-reader`, 'team-a')).to.deep.equal([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
    expect(findAll(m, 'Role').filter((r) => r.metadata.name.endsWith('secret-reader')).map((r) => r.metadata.namespace)).to.deep.equal(['team-a']);
  });

  it('grants scale-in its Node patch, pod list, eviction and budget list only with rbac.scaleIn, cluster-wide', async () => {
    const m = await template(release, NS, { watchNamespaces: ['team-a'], rbac: { scaleIn: true } });
    expect(rules(m, 'ClusterRole', fullname)).to.deep.equal([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['patch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['list'] },
    ]);
  });

  it('grants get on Secrets cluster-wide only when opted in', async () => {
    const m = await template(release, NS, { rbac: { clusterWideSecretAccess: true } });
    expect(rules(m, 'ClusterRole', `${fullname}-secret-reader`)).to.deep.equal([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
    expect(find(m, 'ClusterRoleBinding', `${fullname}-secret-reader`)).to.have.nested.property('subjects[0].name', fullname);
  });

  it('adds write and scale access to the built-in edit role only when opted in', async () => {
    const m = await template(release, NS, { rbac: { aggregateToView: false, aggregateToEdit: true } });
    const edit = find(m, 'ClusterRole', `${fullname}-edit`);
    expect(edit.metadata.labels).to.include({ 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' });
    expect((edit as Role).rules.map((r) => r.resources[0])).to.deep.equal(['sandboxcapacities', 'sandboxcapacities/scale']);
    expect(findAll(m, 'ClusterRole').map((r) => r.metadata.name)).to.not.include(`${fullname}-view`);
  });

  it('runs one replica without leader election, Lease Role or PodDisruptionBudget', async () => {
    const m = await template(release, NS, { replicaCount: 1, leaderElection: { enabled: false } });
    expect(deployment(m).spec.replicas).to.equal(1);
    expect(container(m).args.filter((a) => a.startsWith('--leader'))).to.deep.equal([]);
    expect(findAll(m, 'PodDisruptionBudget')).to.deep.equal([]);
    expect(findAll(m, 'Role')).to.deep.equal([]);
  });

  it('passes operator settings through as flags', async () => {
    const m = await template(release, NS, {
      logLevel: 'debug', workers: 8, resyncPeriodSeconds: 60, dryRun: true, leaderElection: { leaseName: 'sco-lease' },
      cloud: { endpoint: 'https://cs-vpc.cn-hangzhou.aliyuncs.com', connectTimeoutMs: 2000, readTimeoutMs: 30000, qps: 2.5, burst: 4 },
      extraArgs: ['--some-future-flag=1'], image: { repository: 'registry.example/sco', digest: `sha256:${'a'.repeat(64)}` },
    });
    expect(container(m).args).to.include.members([
      '--log-level=debug', '--workers=8', '--resync-period=60', '--dry-run', '--leader-election-id=sco-lease',
      '--cloud-endpoint=https://cs-vpc.cn-hangzhou.aliyuncs.com', '--cloud-connect-timeout=2000', '--cloud-read-timeout=30000',
      '--cloud-qps=2.5', '--cloud-burst=4', '--some-future-flag=1',
    ]);
    expect(container(m).args.at(-1)).to.equal('--some-future-flag=1');
    expect(container(m).image).to.equal(`registry.example/sco@sha256:${'a'.repeat(64)}`);
    expect((find(m, 'Role', `${fullname}-leader-election`) as Role).rules[1]?.resourceNames).to.deep.equal(['sco-lease']);
  });

  it('loads an AccessKey Secret as environment for the default credential chain', async () => {
    const m = await template(release, NS, { credentials: { existingSecret: 'ack-operator-ak' }, extraEnv: [{ name: 'ALIBABA_CLOUD_REGION_ID', value: 'cn-hangzhou' }] });
    expect(container(m).envFrom).to.deep.equal([{ secretRef: { name: 'ack-operator-ak' } }]);
    expect(envValue(container(m), 'ALIBABA_CLOUD_REGION_ID')).to.equal('cn-hangzhou');
  });

  it('asks ack-pod-identity-webhook for RRSA through the ServiceAccount annotation', async () => {
    const m = await template(release, NS, { credentials: { rrsa: { enabled: true, roleName: 'sco-role' } }, serviceAccount: { annotations: { team: 'sandbox' } } });
    expect(find(m, 'ServiceAccount').metadata.annotations).to.deep.equal({ 'pod-identity.alibabacloud.com/role-name': 'sco-role', team: 'sandbox' });
    expect(deployment(m).spec.template.spec.volumes?.map((v) => v.name)).to.deep.equal(['tmp']);
  });

  it('mounts a projected OIDC token and sets the RRSA environment without the webhook', async () => {
    const m = await template(release, NS, { credentials: { rrsa: { enabled: true, projectedToken: {
      enabled: true, roleArn: 'acs:ram::1234567890123456:role/sco', oidcProviderArn: 'acs:ram::1234567890123456:oidc-provider/ack-rrsa-c82e6987',
    } } } });
    const c = container(m);
    expect(envValue(c, 'ALIBABA_CLOUD_ROLE_ARN')).to.equal('acs:ram::1234567890123456:role/sco');
    expect(envValue(c, 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN')).to.equal('acs:ram::1234567890123456:oidc-provider/ack-rrsa-c82e6987');
    expect(envValue(c, 'ALIBABA_CLOUD_OIDC_TOKEN_FILE')).to.equal('/var/run/secrets/ack.alibabacloud.com/rrsa-tokens/token');
    const volume = deployment(m).spec.template.spec.volumes?.find((v) => v.name === 'rrsa-oidc-token');
    expect(volume?.projected?.sources[0]?.serviceAccountToken).to.deep.include({ audience: 'sts.aliyuncs.com', path: 'token' });
    expect(c.volumeMounts?.find((v) => v.name === 'rrsa-oidc-token')?.mountPath).to.equal('/var/run/secrets/ack.alibabacloud.com/rrsa-tokens');
    expect(find(m, 'ServiceAccount').metadata.annotations).to.equal(undefined);
  });

  describe('with monitoring enabled', () => {
    let m: Manifest[];
    before(async () => {
      m = await template(release, NS, {
        serviceMonitor: { enabled: true, labels: { release: 'prom' } }, prometheusRule: { enabled: true, labels: { release: 'prom' } },
        grafanaDashboard: { enabled: true, namespace: 'monitoring' },
      });
    });

    it('scrapes the metrics Service, keeping the SandboxCapacity namespace label', () => {
      const sm = find(m, 'ServiceMonitor') as Manifest & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: Record<string, unknown>[] } };
      expect(sm.metadata.labels).to.include({ release: 'prom' });
      expect(find(m, 'Service').metadata.labels).to.include(sm.spec.selector.matchLabels);
      expect(sm.spec.endpoints[0]).to.deep.include({ port: 'metrics', path: '/metrics', honorLabels: true });
    });

    it('alerts on stalled resources, failing scale-outs and a missing leader', () => {
      type Rule = { alert: string; expr: string; for: string; labels: { severity: string } };
      const rule = find(m, 'PrometheusRule') as Manifest & { spec: { groups: { rules: Rule[] }[] } };
      const alerts = Object.fromEntries(rule.spec.groups[0]!.rules.map((r) => [r.alert, r]));
      expect(Object.keys(alerts)).to.deep.equal(['SandboxCapacityStalled', 'SandboxCapacityScaleOutFailures', 'SandboxCapacityLeaderAbsent']);
      const job = `job="${fullname}-metrics"`;
      expect(alerts.SandboxCapacityStalled?.expr).to.equal(`max by (namespace, name) (sandbox_capacity_stalled{${job}}) > 0`);
      // Per resource and reason, so the alert says which SandboxCapacity fails and why.
      expect(alerts.SandboxCapacityScaleOutFailures?.expr).to.include('sum by (namespace, name, reason, job)')
        .and.include(`sandbox_capacity_scale_out_requests_total{${job}, result=~"refused|unknown"}[15m]`);
      expect(alerts.SandboxCapacityLeaderAbsent?.expr).to.equal(`(sum(leader_election_master_status{${job}, namespace="${NS}", name="sandbox-capacity-operator"}) or vector(0)) < 1`);
      expect(alerts.SandboxCapacityLeaderAbsent?.for).to.equal('5m');
      expect(alerts.SandboxCapacityLeaderAbsent?.labels.severity).to.equal('critical');
    });

    it('without leader election, alerts when no replica runs its workers (client-go reports no leader then)', async () => {
      const single = await template(release, NS, { replicaCount: 1, leaderElection: { enabled: false }, prometheusRule: { enabled: true } });
      const rule = find(single, 'PrometheusRule') as Manifest & { spec: { groups: { rules: { alert: string; expr: string }[] }[] } };
      const leaderAbsent = rule.spec.groups[0]!.rules.find((r) => r.alert === 'SandboxCapacityLeaderAbsent');
      expect(leaderAbsent?.expr).to.equal(`(count(controller_runtime_max_concurrent_reconciles{job="${fullname}-metrics", namespace="${NS}", controller="sandboxcapacity"}) or vector(0)) < 1`);
    });

    it('ships the Grafana dashboard in a ConfigMap the sidecar picks up', () => {
      const cm = find(m, 'ConfigMap') as Manifest & { data: Record<string, string> };
      expect(cm.metadata.namespace).to.equal('monitoring');
      expect(cm.metadata.labels).to.include({ grafana_dashboard: '1' });
      const json = cm.data['sandbox-capacity-operator.json'] ?? '';
      expect(JSON.parse(json)).to.deep.equal(JSON.parse(readFileSync(join(chartDir, 'dashboards', 'sandbox-capacity-operator.json'), 'utf8')));
    });
  });

  it('accepts the values of the Argo CD Application example', async () => {
    const app = loadYaml<{ spec: { source: { helm: { releaseName: string; valuesObject: object } }; destination: { namespace: string } } }>(
      readFileSync(join(repoRoot, 'deploy', 'argocd', 'application-operator.yaml'), 'utf8'));
    const m = await template(app.spec.source.helm.releaseName, app.spec.destination.namespace, app.spec.source.helm.valuesObject);
    expect(find(m, 'ServiceAccount').metadata.annotations).to.have.property('pod-identity.alibabacloud.com/role-name');
  });
});

describe('CRD chart: helm template', () => {
  it('renders exactly the repository CRD, kept by Helm and never pruned or deleted by Argo CD', async () => {
    const { stdout } = await helm(['template', 'crds', crdChartDir, '--namespace', NS]);
    const m = renderedDocuments(stdout);
    expect(m.map((o) => `${o.kind}/${o.metadata.name}`)).to.deep.equal(['CustomResourceDefinition/sandboxcapacities.capacity.sandbox.dev']);
    expect(m[0]).to.deep.equal(sourceCrd());
    expect(m[0]?.metadata.annotations).to.include(CRD_PROTECTION);
  });

  it('has no values, and says so when given one', async () => {
    const { code, stderr } = await helm(['template', 'crds', crdChartDir], { crds: { enabled: true } }, { allowFailure: true });
    expect(code).to.not.equal(0);
    expect(stderr).to.include("additional properties 'crds' not allowed");
  });
});
