import { expect } from 'chai';
import { loadYaml } from '@kubernetes/client-node';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { argocdDir, chartDir, repoRoot } from './paths.js';

interface Application {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string>; finalizers?: string[] };
  spec: {
    source: { repoURL: string; targetRevision: string; path: string; helm?: { releaseName?: string; valuesObject?: Record<string, unknown> }; directory?: { include?: string } };
    destination: { namespace: string };
    ignoreDifferences?: { group: string; kind: string; jsonPointers?: string[] }[];
    syncPolicy: { syncOptions?: string[]; retry?: { limit: number } };
  };
}

const load = (file: string): Application => loadYaml<Application>(readFileSync(join(argocdDir, file), 'utf8'));
const wave = (app: Application): number => Number(app.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? '0');
const CASCADE = 'resources-finalizer.argocd.argoproj.io';
const appVersion = loadYaml<{ appVersion: string }>(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')).appVersion;

describe('Argo CD Applications (deploy/argocd/)', () => {
  const operator = load('application-operator.yaml');
  const capacities = load('application-sandbox-capacities.yaml');
  const root = load('root-application.yaml');

  it('are Argo CD Applications', () => {
    for (const app of [operator, capacities, root]) {
      expect(app.apiVersion).to.equal('argoproj.io/v1alpha1');
      expect(app.kind).to.equal('Application');
    }
  });

  it('deploy the Helm chart of this repository, CRDs included, with server-side apply', () => {
    expect(join(repoRoot, operator.spec.source.path)).to.equal(chartDir.replace(/\/$/, ''));
    expect(existsSync(join(repoRoot, operator.spec.source.path, 'Chart.yaml'))).to.equal(true);
    expect(operator.spec.source.helm?.releaseName).to.equal('sandbox-capacity-operator');
    expect(operator.spec.source.helm).to.not.have.property('skipCrds');
    expect(operator.spec.syncPolicy.syncOptions).to.include.members(['ServerSideApply=true', 'CreateNamespace=true']);
  });

  it('sync SandboxCapacity objects in a later wave, tolerating a CRD that is not served yet', () => {
    expect(wave(capacities)).to.be.greaterThan(wave(operator));
    expect(capacities.spec.syncPolicy.syncOptions).to.include('SkipDryRunOnMissingResource=true');
    expect(capacities.spec.syncPolicy.retry?.limit).to.be.greaterThan(0);
  });

  it('leave spec.replicas to autoscalers and kubectl scale, in diffs and in syncs', () => {
    expect(capacities.spec.ignoreDifferences).to.deep.equal([
      { group: 'capacity.sandbox.dev', kind: 'SandboxCapacity', jsonPointers: ['/spec/replicas'] },
    ]);
    expect(capacities.spec.syncPolicy.syncOptions).to.include('RespectIgnoreDifferences=true');
  });

  it('are grouped by an app of apps that picks up only the child Applications', () => {
    expect(root.spec.source.path).to.equal('deploy/argocd');
    expect(root.spec.source.directory?.include).to.equal('application-*.yaml');
    expect(root.spec.destination.namespace).to.equal('argocd');
  });

  it('pin this repository to the release tag of the chart\'s appVersion, never a branch', () => {
    expect(appVersion).to.match(/^\d+\.\d+\.\d+/);
    const ours = [operator, capacities, root].filter((app) => app.spec.source.repoURL.endsWith('/sandbox-capacity-operator.git'));
    expect(ours.map((app) => app.metadata.name)).to.have.members([operator.metadata.name, root.metadata.name]);
    for (const app of ours) expect(app.spec.source.targetRevision, app.metadata.name).to.equal(`v${appVersion}`);
  });

  it('delete SandboxCapacity objects with no Application: only the operator Application cascades', () => {
    // Cascading needs the finalizer; the CRD protects itself (crds/: Prune=false,Delete=false).
    expect(operator.metadata.finalizers).to.deep.equal([CASCADE]);
    expect(capacities.metadata.finalizers ?? []).to.not.include(CASCADE);
    expect(root.metadata.finalizers ?? []).to.not.include(CASCADE);
  });
});
