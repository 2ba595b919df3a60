import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartDir, repoRoot } from './paths.js';

// crds/ is the one source of truth; the chart ships a copy because Helm drops symlinks that leave
// the chart. Run scripts/sync-chart-crds.sh when this fails.
describe('Helm chart CRDs', () => {
  const source = join(repoRoot, 'crds');
  const copy = join(chartDir, 'crds');
  const yamlFiles = (dir: string): string[] => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

  it('ships the same CRD files as crds/', () => {
    expect(yamlFiles(source)).to.not.be.empty;
    expect(yamlFiles(copy), 'run scripts/sync-chart-crds.sh').to.deep.equal(yamlFiles(source));
  });

  it('ships each CRD byte-identical to crds/', () => {
    for (const file of yamlFiles(source)) {
      const same = readFileSync(join(source, file)).equals(readFileSync(join(copy, file)));
      expect(same, `${file} differs from crds/: run scripts/sync-chart-crds.sh`).to.equal(true);
    }
  });
});
