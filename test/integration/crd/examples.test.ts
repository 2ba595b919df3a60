// Every manifest in examples/ is accepted as written (only the namespace is rewritten), and the
// API server fills in the defaults the CRD documents.
import { KubernetesObjectApi, loadAllYaml, type KubernetesObject } from '@kubernetes/client-node';
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { KIND, SANDBOX_RUNTIME_LABEL, SANDBOX_RUNTIME_VALUE } from '../../../src/api/sandbox-capacity.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';
import { SandboxCapacityClient } from './sandbox-capacity-api.js';

const examplesDir = fileURLToPath(new URL('../../../examples/', import.meta.url));
const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')).sort();

type Json = Record<string, unknown>;

/** The defaults as docs/api.md and the field descriptions state them, written out independently of the CRD. */
const documentedDefaults: Json = {
  nodeSelector: { matchLabels: { [SANDBOX_RUNTIME_LABEL]: SANDBOX_RUNTIME_VALUE } },
  zoneLabel: 'topology.kubernetes.io/zone',
  limits: { maxNodesPerScaleOut: 20, maxInFlightNodes: 40, taskTimeout: '30m', joinGracePeriod: '10m', maxUnjoinedNodes: 0 },
  backoff: { initial: '10s', max: '10m' },
  paused: false,
  scaleIn: { enabled: false, cooldown: '10m', maxNodesPerStep: 1, drainTimeout: '10m' },
};

/** Mode sections: defaulted inside when given, never added (exactly one of them is set). */
const modeDefaults: Json = {
  scaleOut: {
    dataDisk: { category: 'cloud_efficiency', size: 200 },
    systemDisk: { category: 'cloud_ssd', size: 120 },
    instanceChargeType: 'PostPaid',
    disableRollback: false,
  },
  nodePool: { driftPolicy: 'Enforce' },
};

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A given selector replaces the default selector whole; other objects are defaulted field by field. */
const replacedWhole = new Set(['nodeSelector']);

/** What the server should store: the given spec, with defaults filled in wherever a value is absent. */
function withDefaults(given: Json, defaults: Json): Json {
  const result: Json = { ...given };
  for (const [key, fallback] of Object.entries(defaults)) {
    const value = given[key];
    if (value === undefined) result[key] = fallback;
    else if (isObject(value) && isObject(fallback) && !replacedWhole.has(key)) result[key] = withDefaults(value, fallback);
  }
  for (const [mode, fallback] of Object.entries(modeDefaults)) {
    const value = given[mode];
    if (isObject(value) && isObject(fallback)) result[mode] = withDefaults(value, fallback);
  }
  if (isObject(given.scaleOut) && isObject(given.scaleOut.loginPasswordSecretRef)) {
    (result.scaleOut as Json).loginPasswordSecretRef = { key: 'password', ...given.scaleOut.loginPasswordSecretRef };
  }
  return result;
}

function readExample(file: string): KubernetesObject[] {
  return loadAllYaml(readFileSync(join(examplesDir, file), 'utf8')) as KubernetesObject[];
}

describe('examples/ (real API server)', () => {
  it('has the node-pool, minimal, multi-AZ and paused examples, each in namespace sandbox-system', () => {
    expect(exampleFiles).to.include.members(['nodepool.yaml', 'minimal.yaml', 'multi-az.yaml', 'paused.yaml']);
    for (const file of exampleFiles) {
      for (const doc of readExample(file)) expect(doc.metadata?.namespace, `${file} ${doc.kind ?? ''}`).to.equal('sandbox-system');
    }
  });

  for (const file of exampleFiles) {
    it(`accepts ${file} and applies the documented defaults`, async () => {
      const namespace = await createTestNamespace('crd-example');
      const objects = testbed().kubeConfig.makeApiClient(KubernetesObjectApi);
      const docs = readExample(file);
      const capacities = docs.filter((d) => d.kind === KIND) as (KubernetesObject & { spec: Json })[];
      expect(capacities, 'SandboxCapacities in the file').to.not.be.empty;
      for (const doc of docs) {
        await objects.create({ ...doc, metadata: { ...doc.metadata, namespace } });
      }
      const client = new SandboxCapacityClient(namespace);
      for (const given of capacities) {
        const stored = await client.get(given.metadata?.name ?? '');
        expect(stored.spec).to.deep.equal(withDefaults(given.spec, documentedDefaults));
      }
    });
  }

  it('keeps the password of multi-az.yaml in a Secret the SandboxCapacity references', () => {
    const docs = readExample('multi-az.yaml');
    const capacity = docs.find((d) => d.kind === KIND) as unknown as { spec: { scaleOut: { loginPasswordSecretRef: { name: string } } } };
    const secrets = docs.filter((d) => d.kind === 'Secret').map((d) => d.metadata?.name);
    expect(secrets).to.include(capacity.spec.scaleOut.loginPasswordSecretRef.name);
  });

  it('fills in nested defaults when the parent object is given only in part', async () => {
    const client = new SandboxCapacityClient(await createTestNamespace('crd-defaults'));
    const spec = {
      clusterId: 'c82e6987e2961451182edacd74faf0000',
      regionId: 'cn-hangzhou',
      replicas: 1,
      scaleOut: { vswitchIds: ['vsw-a'], instanceTypes: ['ecs.ebmg5s.24xlarge'], keyPair: 'k', dataDisk: { size: 1024 }, systemDisk: { category: 'cloud_efficiency' } },
      limits: { maxNodesPerScaleOut: 5 },
      backoff: { max: '1h' },
    };
    await client.create({ apiVersion: 'capacity.sandbox.dev/v1alpha1', kind: KIND, metadata: { name: 'partial' }, spec });
    const stored = await client.get('partial');
    expect(stored.spec.scaleOut?.dataDisk).to.deep.equal({ category: 'cloud_efficiency', size: 1024 });
    expect(stored.spec.scaleOut?.systemDisk).to.deep.equal({ category: 'cloud_efficiency', size: 120 });
    expect(stored.spec.limits).to.deep.equal({ maxNodesPerScaleOut: 5, maxInFlightNodes: 40, taskTimeout: '30m', joinGracePeriod: '10m', maxUnjoinedNodes: 0 });
    expect(stored.spec.backoff).to.deep.equal({ initial: '10s', max: '1h' });
  });
});
