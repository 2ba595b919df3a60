// Reads the SandboxCapacity CRD from crds/ and flattens its OpenAPI schema into one entry per
// field path, so tests can compare it with the TypeScript types and check documentation rules.
import { loadAllYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CRD_FILE = fileURLToPath(new URL('../../../crds/sandboxcapacities.capacity.sandbox.dev.yaml', import.meta.url));

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
}

/** One schema node with the wire (YAML) spelling of its keywords. */
export interface SchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode;
  required?: string[];
  default?: unknown;
  enum?: unknown[];
  nullable?: boolean;
  maxItems?: number;
  maxLength?: number;
  'x-kubernetes-validations'?: ValidationRule[];
  [keyword: string]: unknown;
}

export interface SchemaField {
  /** Dotted path; `[]` marks the items of a list, e.g. `status.tasks[].state`. */
  path: string;
  node: SchemaNode;
  /** Listed in the parent's `required`. */
  required: boolean;
}

export function loadCrd(): V1CustomResourceDefinition {
  const docs = loadAllYaml(readFileSync(CRD_FILE, 'utf8')) as V1CustomResourceDefinition[];
  if (docs.length !== 1 || docs[0]?.kind !== 'CustomResourceDefinition') {
    throw new Error(`${CRD_FILE} must hold exactly one CustomResourceDefinition`);
  }
  return docs[0];
}

// client-node deserializes typed schema fields to its model names (`_default`, `_enum`,
// `x_kubernetes_validations`) but leaves `items` and `additionalProperties` (typed `any`) raw, so one
// tree mixes both spellings. Tests speak the wire spelling, as written in the YAML.
function wireKeyword(key: string): string {
  if (key === '_default' || key === '_enum') return key.slice(1);
  if (key.startsWith('x_kubernetes_')) return key.replaceAll('_', '-');
  return key;
}

export function toWireSchema(node: unknown): SchemaNode {
  const source = node as Record<string, unknown>;
  const result: SchemaNode = {};
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    result[wireKeyword(key)] = value;
  }
  if (result.properties) {
    result.properties = Object.fromEntries(Object.entries(result.properties).map(([k, v]) => [k, toWireSchema(v)]));
  }
  if (result.items) result.items = toWireSchema(result.items);
  if (typeof result.additionalProperties === 'object') result.additionalProperties = toWireSchema(result.additionalProperties);
  return result;
}

export function rootSchema(crd: V1CustomResourceDefinition = loadCrd()): SchemaNode {
  const version = crd.spec.versions.find((v) => v.storage);
  const schema = version?.schema?.openAPIV3Schema;
  if (!schema) throw new Error('the storage version has no openAPIV3Schema');
  return toWireSchema(schema);
}

/** Every field below `node`, depth first; list items and map values add no segment of their own. */
export function schemaFields(node: SchemaNode, prefix: string): SchemaField[] {
  const fields: SchemaField[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${name}`;
    fields.push({ path, node: child, required: node.required?.includes(name) ?? false });
    const nested = child.type === 'array' ? child.items : child;
    if (nested) fields.push(...schemaFields(nested, child.type === 'array' ? `${path}[].` : `${path}.`));
  }
  return fields;
}

/** Every schema node (fields, list items, map values) with a readable location, for documentation rules. */
export function allNodes(node: SchemaNode, location: string): { location: string; node: SchemaNode }[] {
  const nodes = [{ location, node }];
  for (const [name, child] of Object.entries(node.properties ?? {})) nodes.push(...allNodes(child, `${location}.${name}`));
  if (node.items) nodes.push(...allNodes(node.items, `${location}[]`));
  if (node.additionalProperties) nodes.push(...allNodes(node.additionalProperties, `${location}{}`));
  return nodes;
}

/** Fields documented as refused ("Not accepted: ..."): declared only so that CEL rules can refuse them. */
export function isTrapField(node: SchemaNode): boolean {
  return node.description?.startsWith('Not accepted:') ?? false;
}

/** The JSON type a schema type describes, in `typeof` terms (`array` for lists). */
export function jsonKind(node: SchemaNode): string {
  return node.type === 'integer' ? 'number' : (node.type ?? 'unknown');
}
