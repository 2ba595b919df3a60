// The SandboxCapacity CRD next to kubernetes-sigs/agent-sandbox on a real API server: kubectl
// expands a category before it matches resource names, so a SandboxCapacity category "sandbox"
// made `kubectl get sandbox` list SandboxCapacities instead of agent-sandbox's Sandboxes.
import { expect } from 'chai';
import { loadYaml } from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestNamespace, testbed } from '../../support/testbed.js';
import { repoRoot, type Manifest } from './chart.js';

interface ApiResource { name: string; singularName: string; shortNames?: string[]; categories?: string[] }

describe('SandboxCapacity names in discovery, next to agent-sandbox', () => {
  const agentCrd = readFileSync(join(repoRoot, 'test', 'integration', 'packaging', 'fixtures', 'agent-sandbox-names-crd.yaml'), 'utf8');
  let cacheDir: string;
  let ns: string;
  // A fresh discovery cache: one filled before the stand-in CRD existed would hide it from kubectl.
  const kubectl = async (args: string[], input?: string): Promise<string> =>
    (await testbed().kubectl([`--cache-dir=${cacheDir}`, ...args], input === undefined ? {} : { input })).stdout;
  const names = (out: string): string[] => out.split('\n').filter((l) => l !== '').sort();

  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'sco-kubectl-cache-'));
    await kubectl(['apply', '-f', '-'], agentCrd);
    await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/sandboxes.agents.x-k8s.io']);
    ns = await createTestNamespace('crd-names');
    const example = loadYaml<Manifest>(readFileSync(join(repoRoot, 'examples', 'minimal.yaml'), 'utf8'));
    example.metadata.namespace = ns;
    await kubectl(['apply', '-f', '-'], JSON.stringify(example));
    await kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify({ apiVersion: 'agents.x-k8s.io/v1alpha1', kind: 'Sandbox', metadata: { name: 'agent-1' } }));
  });

  after(async () => {
    await testbed().kubectl(['delete', 'crd', 'sandboxes.agents.x-k8s.io', '--wait=false'], { allowFailure: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('announces SandboxCapacity as sandboxcapacity / sbc / category sandbox-capacity, nothing named "sandbox"', async () => {
    const list = JSON.parse(await kubectl(['get', '--raw', '/apis/capacity.sandbox.dev/v1alpha1'])) as { resources: ApiResource[] };
    const sbc = list.resources.find((r) => r.name === 'sandboxcapacities');
    expect(sbc).to.deep.include({ singularName: 'sandboxcapacity', shortNames: ['sbc'], categories: ['sandbox-capacity'] });
    for (const r of list.resources) expect([r.name, r.singularName, ...(r.shortNames ?? []), ...(r.categories ?? [])], r.name).to.not.include('sandbox');
    expect(names(await kubectl(['api-resources', '--categories=sandbox', '-o', 'name']))).to.deep.equal([]);
    expect(names(await kubectl(['api-resources', '--categories=sandbox-capacity', '-o', 'name']))).to.deep.equal(['sandboxcapacities.capacity.sandbox.dev']);
  });

  it('leaves `kubectl get sandbox` to agent-sandbox', async () => {
    expect(names(await kubectl(['get', 'sandbox', '-n', ns, '-o', 'name']))).to.deep.equal(['sandbox.agents.x-k8s.io/agent-1']);
  });

  it('still lists SandboxCapacities by short name and by their own category', async () => {
    for (const what of ['sbc', 'sandboxcapacity', 'sandbox-capacity']) {
      expect(names(await kubectl(['get', what, '-n', ns, '-o', 'name'])), what).to.deep.equal(['sandboxcapacity.capacity.sandbox.dev/sandbox-workers']);
    }
  });
});
