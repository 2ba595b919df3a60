// Helpers of the packaging integration tests: render the Helm chart with given values, pick
// objects out of the result, and ask the API server what the operator's ServiceAccount may do.
import { loadAllYaml } from '@kubernetes/client-node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, testbed, type CommandResult } from '../../support/testbed.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const chartDir = join(repoRoot, 'deploy', 'helm', 'sandbox-capacity-operator');
export const crdChartDir = join(repoRoot, 'deploy', 'helm', 'sandbox-capacity-operator-crd');

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

let counter = 0;
/** A release name no other test uses (cluster-scoped objects such as ClusterRoles carry it). */
export function uniqueRelease(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid.toString(36)}-${counter}`;
}

/** Runs helm in throw-away helm home folders, with a values file written from `values` if given (JSON is YAML). */
export async function helm(args: string[], values?: object, opts: { allowFailure?: boolean } = {}): Promise<CommandResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sco-helm-'));
  try {
    const valuesArgs: string[] = [];
    if (values !== undefined) {
      valuesArgs.push('-f', join(dir, 'values.yaml'));
      writeFileSync(join(dir, 'values.yaml'), JSON.stringify(values));
    }
    const env = { ...process.env, HELM_CACHE_HOME: join(dir, 'cache'), HELM_CONFIG_HOME: join(dir, 'config'), HELM_DATA_HOME: join(dir, 'data') };
    return await run(testbed().assets.helm, [...args, ...valuesArgs], { ...opts, env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function template(release: string, namespace: string, values: object = {}, extraArgs: string[] = []): Promise<Manifest[]> {
  const { stdout } = await helm(['template', release, chartDir, '--namespace', namespace, ...extraArgs], values);
  return renderedDocuments(stdout);
}

export function renderedDocuments(yaml: string): Manifest[] {
  return (loadAllYaml(yaml) as (Manifest | null)[]).filter((d): d is Manifest => d !== null);
}

export function toYaml(manifests: Manifest[]): string {
  return manifests.map((m) => JSON.stringify(m)).join('\n---\n');
}

export function findAll(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

export function find(manifests: Manifest[], kind: string, name?: string, namespace?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name) && (namespace === undefined || m.metadata.namespace === namespace));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}${namespace ? ` in ${namespace}` : ''}, found ${found.length}`);
  return found[0] as Manifest;
}

/** What `kubectl auth can-i` answers for the ServiceAccount, with the groups its real token carries. */
export async function canI(sa: { namespace: string; name: string }, verb: string, resource: string, where: { namespace?: string; subresource?: string } = {}): Promise<boolean> {
  const args = ['auth', 'can-i', verb, resource, `--as=system:serviceaccount:${sa.namespace}:${sa.name}`,
    '--as-group=system:serviceaccounts', `--as-group=system:serviceaccounts:${sa.namespace}`, '--as-group=system:authenticated'];
  if (where.namespace) args.push('--namespace', where.namespace);
  if (where.subresource) args.push(`--subresource=${where.subresource}`);
  const { stdout, code } = await testbed().kubectl(args, { allowFailure: true });
  const answer = stdout.trim();
  if (answer === 'yes' && code === 0) return true;
  if (answer.startsWith('no') && code === 1) return false;
  throw new Error(`kubectl auth can-i ${verb} ${resource} answered "${answer}" (exit ${code})`);
}
