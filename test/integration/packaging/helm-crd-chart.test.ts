// The CRD chart (deploy/helm/sandbox-capacity-operator-crd) with the real helm binary against the
// test bed: helm upgrade upgrades the CRD (what the operator chart's crds/ never does), helm
// uninstall keeps it and its objects, a second install adopts it, and an installed CRD moves into
// the chart with the label and annotations docs/helm.md gives.
import { expect } from 'chai';
import { loadYaml } from '@kubernetes/client-node';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestNamespace, testbed } from '../../support/testbed.js';
import { chartDir, crdChartDir, helm, repoRoot, uniqueRelease, type Manifest } from './chart.js';

const CRD_FILE = 'sandboxcapacities.capacity.sandbox.dev.yaml';
const SBC_CRD = 'sandboxcapacities.capacity.sandbox.dev';

interface Crd extends Manifest {
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames?: string[]; categories?: string[] };
    versions: { name: string; additionalPrinterColumns?: { name: string }[] }[];
  };
}

const sourceCrd = (): Crd => loadYaml<Crd>(readFileSync(join(repoRoot, 'crds', CRD_FILE), 'utf8'));

/**
 * The repository's CRD under a group and names of its own, so installing, upgrading and
 * uninstalling it cannot disturb the SandboxCapacity CRD the other tests use.
 */
function renamedCrd(group: string): Crd {
  const crd = sourceCrd();
  crd.spec.group = group;
  crd.spec.names = { kind: 'ChartTestCapacity', listKind: 'ChartTestCapacityList', plural: 'charttestcapacities', singular: 'charttestcapacity' };
  crd.metadata.name = `charttestcapacities.${group}`;
  return crd;
}

/** A copy of the CRD chart whose template is `crd` (JSON is YAML). */
function chartWith(dir: string, crd: Crd): string {
  cpSync(crdChartDir, dir, { recursive: true });
  writeFileSync(join(dir, 'templates', CRD_FILE), JSON.stringify(crd, null, 2));
  return dir;
}

const columns = async (crdName: string): Promise<string[]> => {
  const { stdout } = await testbed().kubectl(['get', 'crd', crdName, '-o', 'json']);
  return ((JSON.parse(stdout) as Crd).spec.versions[0]?.additionalPrinterColumns ?? []).map((c) => c.name);
};

describe('CRD chart on the test bed: install, upgrade, uninstall', function () {
  this.timeout(180_000);
  const group = `capacity-${process.pid.toString(36)}.chart.test`;
  const crdName = `charttestcapacities.${group}`;
  let work: string;
  let ns: string;
  let release: string;
  let helmArgs: string[];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'sco-crd-chart-'));
    ns = await createTestNamespace('crd-chart');
    release = uniqueRelease('crd');
    helmArgs = ['--kubeconfig', testbed().kubeconfigPath, '--namespace', ns];
  });

  after(async () => {
    await testbed().kubectl(['delete', 'crd', crdName, '--ignore-not-found', '--wait=false']);
    rmSync(work, { recursive: true, force: true });
  });

  it('installs the CRD as a release object, and helm upgrade upgrades it', async () => {
    const current = renamedCrd(group);
    const older = renamedCrd(group);
    const version = older.spec.versions[0];
    if (version) version.additionalPrinterColumns = version.additionalPrinterColumns?.filter((c) => c.name !== 'In-Flight');

    const installed = await helm(['install', release, chartWith(join(work, 'old'), older), ...helmArgs]);
    expect(installed.stdout).to.include('STATUS: deployed');
    await testbed().kubectl(['wait', '--for=condition=Established', '--timeout=60s', `crd/${crdName}`]);
    expect(await columns(crdName)).to.not.include('In-Flight');
    const { stdout } = await testbed().kubectl(['get', 'crd', crdName, '-o', 'json']);
    const live = JSON.parse(stdout) as Crd;
    expect(live.metadata.labels).to.include({ 'app.kubernetes.io/managed-by': 'Helm' });
    expect(live.metadata.annotations).to.include({ 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': ns, 'helm.sh/resource-policy': 'keep' });

    await helm(['upgrade', release, chartWith(join(work, 'new'), current), ...helmArgs]);
    expect(await columns(crdName)).to.deep.equal(current.spec.versions[0]?.additionalPrinterColumns?.map((c) => c.name));
  });

  it('keeps the CRD and its objects on helm uninstall, and a new install takes the kept CRD back', async () => {
    const example = loadYaml<Manifest>(readFileSync(join(repoRoot, 'examples', 'minimal.yaml'), 'utf8'));
    const object = { ...example, apiVersion: `${group}/v1alpha1`, kind: 'ChartTestCapacity', metadata: { name: 'kept', namespace: ns } };
    await testbed().kubectl(['apply', '-f', '-'], { input: JSON.stringify(object) });

    const uninstalled = await helm(['uninstall', release, ...helmArgs]);
    expect(uninstalled.stdout).to.match(new RegExp(`kept due to the resource policy:\\s*\\n\\[CustomResourceDefinition\\] ${crdName.replace(/\./g, '\\.')}`));
    const kept = await testbed().kubectl(['get', `charttestcapacities.${group}`, 'kept', '-n', ns, '-o', 'name']);
    expect(kept.stdout.trim()).to.equal(`charttestcapacity.${group}/kept`);

    const again = await helm(['install', release, join(work, 'new'), ...helmArgs]);
    expect(again.stdout).to.include('STATUS: deployed');
    const { stdout } = await helm(['get', 'manifest', release, ...helmArgs]);
    expect(stdout).to.include(`"name": "${crdName}"`);
    await helm(['uninstall', release, ...helmArgs]);
  });
});

describe('CRD chart on the test bed: moving an installed CRD into it, next to the operator chart', function () {
  this.timeout(180_000);

  it('takes over the installed SandboxCapacity CRD once labelled and annotated, and the operator chart leaves it alone', async () => {
    // The test bed installed the CRD with a plain create, as `helm install` of the operator chart's crds/ or kubectl apply would.
    const ns = await createTestNamespace('crd-move');
    const release = 'sandbox-capacity-operator-crd';
    const helmArgs = ['--kubeconfig', testbed().kubeconfigPath, '--namespace', ns];
    const refused = await helm(['install', release, crdChartDir, ...helmArgs], undefined, { allowFailure: true });
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.include(`CustomResourceDefinition "${SBC_CRD}"`).and.include('invalid ownership metadata');

    // docs/helm.md, "Moving an installed CRD into the CRD chart".
    await testbed().kubectl(['label', 'crd', SBC_CRD, 'app.kubernetes.io/managed-by=Helm', '--overwrite']);
    await testbed().kubectl(['annotate', 'crd', SBC_CRD, `meta.helm.sh/release-name=${release}`, `meta.helm.sh/release-namespace=${ns}`, '--overwrite']);
    const adopted = await helm(['upgrade', '--install', release, crdChartDir, ...helmArgs]);
    expect(adopted.stdout).to.include('STATUS: deployed');

    // Installed next to it, the operator chart finds the CRD present and leaves it to the CRD chart.
    const operator = uniqueRelease('next-to-crd');
    const installed = await helm(['install', operator, chartDir, ...helmArgs]);
    expect(installed.stdout).to.include('STATUS: deployed');
    const { stdout } = await testbed().kubectl(['get', 'crd', SBC_CRD, '-o', 'jsonpath={.metadata.annotations.meta\\.helm\\.sh/release-name}']);
    expect(stdout).to.equal(release);
    await helm(['uninstall', operator, ...helmArgs]);

    const uninstalled = await helm(['uninstall', release, ...helmArgs]);
    expect(uninstalled.stdout).to.include(`[CustomResourceDefinition] ${SBC_CRD}`);
    await testbed().kubectl(['get', 'crd', SBC_CRD]);
  });
});
