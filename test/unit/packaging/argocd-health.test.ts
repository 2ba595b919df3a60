import { expect } from 'chai';
import { loadYaml } from '@kubernetes/client-node';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHealthCheck, toLuaLiteral } from './lua-health.js';
import { argocdDir } from './paths.js';

// Fixtures: one JSON file per SandboxCapacity object in fixtures/health/, shaped
// { "expectedHealth": "Healthy", "expectedMessageIncludes"?: "...", "object": { ...the object... } }.
// Objects captured from the controller's integration tests can be dropped in the same way.
const fixtureDir = fileURLToPath(new URL('./fixtures/health/', import.meta.url));
const scriptPath = join(argocdDir, 'health.lua');
const script = readFileSync(scriptPath, 'utf8');

interface Fixture {
  expectedHealth: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
  expectedMessageIncludes?: string;
  object: Record<string, unknown>;
}

const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, fixture: JSON.parse(readFileSync(join(fixtureDir, file), 'utf8')) as Fixture }));

describe('Argo CD health check for SandboxCapacity (deploy/argocd/health.lua, run by Lua 5.1)', () => {
  it('has fixtures for every health status it can report', () => {
    const statuses = new Set(fixtures.map((f) => f.fixture.expectedHealth));
    expect([...statuses]).to.have.members(['Healthy', 'Progressing', 'Degraded', 'Suspended']);
  });

  for (const { file, fixture } of fixtures) {
    it(`reports ${fixture.expectedHealth} for ${file.replace(/\.json$/, '')}`, async () => {
      const health = await runHealthCheck(scriptPath, fixture.object);
      expect(health.status).to.equal(fixture.expectedHealth);
      expect(health.message).to.not.equal('');
      if (fixture.expectedMessageIncludes) expect(health.message).to.include(fixture.expectedMessageIncludes);
    });
  }

  it('fails loudly in the test sandbox when a script uses the string library', async () => {
    const probe = join(fixtureDir, '..', 'string-library-probe.lua');
    const err = await runHealthCheck(probe, { status: {} }).then(() => undefined, (e: unknown) => e);
    expect(String(err)).to.match(/LUA ERROR: .*(string|index)/);
  });

  it('contains no string library call', () => {
    const code = script.split('\n').filter((line) => !line.trim().startsWith('--')).join('\n');
    expect(code).to.not.match(/\bstring\s*\./);
    expect(code).to.not.match(/:\s*(find|match|gsub|sub|len|lower|upper|format|gmatch|rep|byte)\s*\(/);
  });

  it('converts JSON to Lua literals that keep quotes, newlines and UTF-8 intact', () => {
    expect(toLuaLiteral({ a: 'say "hi"\n配额', b: [1, true], c: null })).to.equal('{["a"] = "say \\034hi\\034\\010\\233\\133\\141\\233\\162\\157", ["b"] = {1, true}}');
  });
});

describe('Argo CD argocd-cm snippet (deploy/argocd/argocd-cm-health-check.yaml)', () => {
  const snippet = loadYaml<{ kind: string; metadata: { name: string; namespace: string }; data: Record<string, string> }>(
    readFileSync(join(argocdDir, 'argocd-cm-health-check.yaml'), 'utf8'));

  it('is a patch of argocd-cm holding exactly the health check key for capacity.sandbox.dev/SandboxCapacity', () => {
    expect(snippet.kind).to.equal('ConfigMap');
    expect(snippet.metadata.name).to.equal('argocd-cm');
    expect(Object.keys(snippet.data)).to.deep.equal(['resource.customizations.health.capacity.sandbox.dev_SandboxCapacity']);
  });

  it('embeds health.lua byte for byte', () => {
    expect(snippet.data['resource.customizations.health.capacity.sandbox.dev_SandboxCapacity']).to.equal(script);
  });
});
