import { expect } from 'chai';
import { loadYaml } from '@kubernetes/client-node';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHealthCheck, toLuaLiteral } from './lua-health.js';
import { argocdDir } from './paths.js';

// deploy/argocd/health.lua is the one source of truth. Its copy in Argo CD's own layout
// (resource_customizations/<group>/<kind>/health.lua + health_test.yaml + testdata/) carries the
// test cases: each names a SandboxCapacity object in testdata/ and the exact status and message
// Argo CD must report, as argo-cd's `go test ./util/lua/` compares them. Objects captured from the
// controller's integration tests can be added the same way.
const scriptPath = join(argocdDir, 'health.lua');
const script = readFileSync(scriptPath, 'utf8');
const customizationDir = join(argocdDir, 'resource_customizations', 'capacity.sandbox.dev', 'SandboxCapacity');

type Health = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
interface HealthTest {
  healthStatus: { status: Health; message: string };
  inputPath: string;
}

const healthTests = loadYaml<{ tests: HealthTest[] }>(readFileSync(join(customizationDir, 'health_test.yaml'), 'utf8')).tests;

/**
 * A testdata object as Argo CD hands it to the script: plain JSON, timestamps as the API server
 * writes them. (loadYaml turns metadata timestamps into Dates; Argo CD sees RFC 3339 strings.)
 */
function asJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace(/\.000Z$/, 'Z');
  if (Array.isArray(value)) return value.map(asJson);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asJson(v)]));
  return value;
}

const testObject = (inputPath: string): unknown => asJson(loadYaml<unknown>(readFileSync(join(customizationDir, inputPath), 'utf8')));

describe('Argo CD health check for SandboxCapacity (deploy/argocd/health.lua, run by Lua 5.1)', () => {
  it('has a test case for every health status it can report', () => {
    expect([...new Set(healthTests.map((t) => t.healthStatus.status))]).to.have.members(['Healthy', 'Progressing', 'Degraded', 'Suspended']);
  });

  it('has exactly one test case per testdata file', () => {
    const files = readdirSync(join(customizationDir, 'testdata')).sort().map((f) => `testdata/${f}`);
    expect(healthTests.map((t) => t.inputPath).sort()).to.deep.equal(files);
  });

  for (const { healthStatus, inputPath } of healthTests) {
    it(`reports ${healthStatus.status} for ${inputPath}, with Argo CD's expected message`, async () => {
      const health = await runHealthCheck(scriptPath, testObject(inputPath));
      expect(health).to.deep.equal(healthStatus);
    });
  }

  it('fails loudly in the test sandbox when a script uses the string library', async () => {
    const probe = fileURLToPath(new URL('./fixtures/string-library-probe.lua', import.meta.url));
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

describe('Argo CD resource_customizations layout (deploy/argocd/resource_customizations/)', () => {
  it('holds health.lua byte for byte, so Argo CD admins test the script that is deployed', () => {
    const copy = readFileSync(join(customizationDir, 'health.lua'), 'utf8');
    expect(copy === script, 'cp deploy/argocd/health.lua deploy/argocd/resource_customizations/capacity.sandbox.dev/SandboxCapacity/').to.equal(true);
  });

  it('is the only health check in the folder, under the CRD group and kind', () => {
    const groups = readdirSync(join(argocdDir, 'resource_customizations'));
    expect(groups).to.deep.equal(['capacity.sandbox.dev']);
    expect(readdirSync(join(argocdDir, 'resource_customizations', 'capacity.sandbox.dev'))).to.deep.equal(['SandboxCapacity']);
    expect(readdirSync(customizationDir).sort()).to.deep.equal(['health.lua', 'health_test.yaml', 'testdata']);
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
