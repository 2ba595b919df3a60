import { expect } from 'chai';
import { loadYaml } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartDir } from './paths.js';

interface SchemaNode {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  allOf?: SchemaNode[];
  additionalProperties?: boolean | SchemaNode;
}

const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as SchemaNode & { definitions: Record<string, SchemaNode> };
const values = loadYaml<Record<string, unknown>>(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
const readme = readFileSync(join(chartDir, 'README.md'), 'utf8');

function resolve(node: SchemaNode): SchemaNode {
  if (node.$ref) return resolve(schema.definitions[node.$ref.replace('#/definitions/', '')] ?? {});
  if (node.allOf) return node.allOf.map(resolve).reduce((a, b) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties } }), {});
  return node;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The documented value paths: an object whose schema lists its properties is descended into;
 * anything else (scalars, lists, free-form maps such as resources or labels) is one value.
 */
function valuePaths(node: Record<string, unknown>, schemaNode: SchemaNode, prefix: string, missing: string[]): string[] {
  return Object.entries(node).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const child = schemaNode.properties?.[key];
    if (!child) {
      missing.push(path);
      return [];
    }
    const resolved = resolve(child);
    if (isPlainObject(value) && resolved.properties && resolved.additionalProperties === false) {
      return valuePaths(value, resolved, path, missing);
    }
    return [path];
  });
}

describe('Helm chart values', () => {
  const missingFromSchema: string[] = [];
  const paths = valuePaths(values, schema, '', missingFromSchema);

  it('declares every key of values.yaml in values.schema.json', () => {
    expect(paths.length).to.be.greaterThan(50);
    expect(missingFromSchema).to.deep.equal([]);
  });

  // A README row documents a value, or a small object as a whole (e.g. `probes.liveness`).
  const documented = [...readme.matchAll(/^\| `([A-Za-z0-9_.]+)` \|/gm)].map((m) => m[1] ?? '');
  const coveredBy = (path: string, row: string): boolean => path === row || path.startsWith(`${row}.`);

  it('documents every value in the chart README', () => {
    const undocumented = paths.filter((p) => !documented.some((row) => coveredBy(p, row)));
    expect(undocumented).to.deep.equal([]);
  });

  it('documents no value that does not exist', () => {
    expect(documented.filter((row) => !paths.some((p) => coveredBy(p, row)))).to.deep.equal([]);
  });

  it('refuses unknown keys in every object the schema describes (typos fail at install)', () => {
    const open: string[] = [];
    const walk = (node: SchemaNode, path: string): void => {
      const resolved = resolve(node);
      if (!resolved.properties) return;
      if (resolved.additionalProperties !== false) open.push(path || '(root)');
      for (const [key, child] of Object.entries(resolved.properties)) {
        if (key !== 'global') walk(child, path ? `${path}.${key}` : key);
      }
    };
    walk(schema, '');
    expect(open).to.deep.equal([]);
  });
});
