// Rules of the CRD that `kubectl explain` users and the API server's budgets rely on, checked on the
// manifest itself: documentation, defaults, refusal of literal secrets, bounded lists.
import { expect } from 'chai';
import { allNodes, isTrapField, rootSchema, schemaFields, type SchemaField } from './crd-schema.js';

const root = rootSchema();
const fields: SchemaField[] = schemaFields(root, '');

function field(path: string): SchemaField {
  const found = fields.find((f) => f.path === path);
  if (!found) throw new Error(`the schema has no field ${path}`);
  return found;
}

describe('SandboxCapacity CRD documentation and rules', () => {
  it('describes every field, list item and map value (metadata aside, which the server forbids)', () => {
    const undocumented = allNodes(root, '')
      .filter(({ location }) => location !== '.metadata')
      .filter(({ node }) => (node.description ?? '').trim().length < 10)
      .map(({ location }) => location || '(root)');
    expect(undocumented).to.deep.equal([]);
  });

  it('applies the documented defaults', () => {
    const defaults = Object.fromEntries(fields.filter((f) => f.node.default !== undefined).map((f) => [f.path, f.node.default]));
    expect(defaults).to.deep.equal({
      'spec.nodeSelector': { matchLabels: { 'alibabacloud.com/container-runtime': 'Sandboxed-Container.runv' } },
      'spec.zoneLabel': 'topology.kubernetes.io/zone',
      'spec.scaleOut.loginPasswordSecretRef.key': 'password',
      'spec.scaleOut.dataDisk': { category: 'cloud_efficiency', size: 200 },
      'spec.scaleOut.dataDisk.category': 'cloud_efficiency',
      'spec.scaleOut.dataDisk.size': 200,
      'spec.scaleOut.systemDisk': { category: 'cloud_ssd', size: 120 },
      'spec.scaleOut.systemDisk.category': 'cloud_ssd',
      'spec.scaleOut.systemDisk.size': 120,
      'spec.scaleOut.instanceChargeType': 'PostPaid',
      'spec.scaleOut.disableRollback': false,
      'spec.limits': { maxNodesPerScaleOut: 20, maxInFlightNodes: 40, taskTimeout: '30m', joinGracePeriod: '10m', maxUnjoinedNodes: 0 },
      'spec.limits.maxNodesPerScaleOut': 20,
      'spec.limits.maxInFlightNodes': 40,
      'spec.limits.maxUnjoinedNodes': 0,
      'spec.limits.taskTimeout': '30m',
      'spec.limits.joinGracePeriod': '10m',
      'spec.backoff': { initial: '10s', max: '10m' },
      'spec.backoff.initial': '10s',
      'spec.backoff.max': '10m',
      'spec.paused': false,
      'spec.nodePool.driftPolicy': 'Enforce',
      'spec.scaleIn': { enabled: false, cooldown: '10m', maxNodesPerStep: 1, drainTimeout: '10m' },
      'spec.scaleIn.enabled': false,
      'spec.scaleIn.cooldown': '10m',
      'spec.scaleIn.maxNodesPerStep': 1,
      'spec.scaleIn.drainTimeout': '10m',
    });
  });

  it('defaults an omitted object exactly as it defaults the fields of a partly given one', () => {
    const mismatches: string[] = [];
    for (const parent of fields.filter((f) => f.node.type === 'object' && f.node.default !== undefined)) {
      const objectDefault = parent.node.default as Record<string, unknown>;
      for (const [name, child] of Object.entries(parent.node.properties ?? {})) {
        if (child.default === undefined) continue;
        if (JSON.stringify(objectDefault[name]) !== JSON.stringify(child.default)) mismatches.push(`${parent.path}.${name}`);
      }
    }
    expect(mismatches).to.deep.equal([]);
  });

  it('names the default in the description of every defaulted field', () => {
    const silent = fields
      .filter((f) => f.node.default !== undefined)
      .filter((f) => {
        const description = f.node.description ?? '';
        const scalar = typeof f.node.default !== 'object';
        return !/default/i.test(description) || (scalar && !description.includes(String(f.node.default)));
      })
      .map((f) => f.path);
    expect(silent).to.deep.equal([]);
  });

  it('declares the literal secret fields only to refuse them, with a rule that points at the field', () => {
    const traps = fields.filter((f) => isTrapField(f.node)).map((f) => f.path);
    expect(traps).to.deep.equal([
      'spec.scaleOut.loginPassword',
      'spec.scaleOut.password',
      'spec.credentials.accessKeyId',
      'spec.credentials.accessKeySecret',
    ]);
    for (const path of traps) {
      const name = path.slice(path.lastIndexOf('.') + 1);
      const parent = field(path.slice(0, path.lastIndexOf('.')));
      const rule = parent.node['x-kubernetes-validations']?.find((r) => r.rule === `!has(self.${name})`);
      expect(rule, path).to.not.equal(undefined);
      expect(rule?.fieldPath, path).to.equal(`.${name}`);
      expect(rule?.message, path).to.include(path).and.to.match(/SecretRef|secretRef/);
    }
  });

  it('bounds every list, so status stays small and CEL rules stay within the cost budget', () => {
    const unbounded = allNodes(root, '')
      .filter(({ node }) => node.type === 'array' && node.maxItems === undefined)
      .map(({ location }) => location);
    expect(unbounded).to.deep.equal([]);
    expect(field('spec.scaleOut.vswitchIds').node.maxItems).to.equal(3);
    expect(field('spec.scaleOut.tags').node.maxItems).to.equal(20);
    expect(field('status.tasks').node.maxItems).to.equal(20);
  });

  it('keeps conditions as a list map keyed by type', () => {
    const conditions = field('status.conditions').node;
    expect(conditions['x-kubernetes-list-type']).to.equal('map');
    expect(conditions['x-kubernetes-list-map-keys']).to.deep.equal(['type']);
  });
});
