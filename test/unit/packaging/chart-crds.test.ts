import { expect } from 'chai';
import { loadYaml } from '@kubernetes/client-node';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartDir, crdChartDir, crdFile, repoRoot } from './paths.js';

// crds/ is the one source of truth; both charts ship a copy because Helm drops symlinks that leave
// the chart. Run scripts/sync-chart-crds.sh when this fails.
const copies: [string, string][] = [
  ['the operator chart (crds/)', join(chartDir, 'crds')],
  ['the CRD chart (templates/)', join(crdChartDir, 'templates')],
];

describe('Helm chart CRDs', () => {
  const source = join(repoRoot, 'crds');
  const yamlFiles = (dir: string): string[] => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

  for (const [what, copy] of copies) {
    it(`${what} ships the same CRD files as crds/, and nothing else`, () => {
      expect(yamlFiles(source)).to.not.be.empty;
      expect(readdirSync(copy).sort(), 'run scripts/sync-chart-crds.sh').to.deep.equal(yamlFiles(source));
    });

    it(`${what} ships each CRD byte-identical to crds/`, () => {
      for (const file of yamlFiles(source)) {
        const same = readFileSync(join(source, file)).equals(readFileSync(join(copy, file)));
        expect(same, `${file} differs from crds/: run scripts/sync-chart-crds.sh`).to.equal(true);
      }
    });
  }

  it('holds no template action, so the CRD chart renders the files unchanged', () => {
    for (const file of yamlFiles(source)) expect(readFileSync(join(source, file), 'utf8'), file).to.not.include('{{');
  });
});

interface Crd {
  metadata: { annotations?: Record<string, string> };
  spec: { names: { singular: string; shortNames?: string[]; categories?: string[] } };
}

describe('SandboxCapacity CRD next to other software', () => {
  const crd = loadYaml<Crd>(readFileSync(crdFile, 'utf8'));

  it('claims no name that kubernetes-sigs/agent-sandbox uses ("sandbox" is its singular and short name)', () => {
    const names = [crd.spec.names.singular, ...(crd.spec.names.shortNames ?? []), ...(crd.spec.names.categories ?? [])];
    expect(names).to.not.include('sandbox');
    expect(crd.spec.names.categories).to.deep.equal(['sandbox-capacity']);
  });

  it('is kept by Helm and never pruned or deleted by Argo CD', () => {
    expect(crd.metadata.annotations).to.include({
      'helm.sh/resource-policy': 'keep',
      'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
    });
  });
});
