// Installs every CustomResourceDefinition found in a folder and waits until each is Established
// and actually served, so the first request of a test or of the demo never races discovery.
import { ApiextensionsV1Api, CustomObjectsApi, loadAllYaml, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from './net.js';

export function readCrds(folder: string): V1CustomResourceDefinition[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .flatMap((f) => loadAllYaml(readFileSync(join(folder, f), 'utf8')) as V1CustomResourceDefinition[])
    .filter((doc) => doc.kind === 'CustomResourceDefinition');
}

async function applyCrd(api: ApiextensionsV1Api, crd: V1CustomResourceDefinition): Promise<void> {
  const name = crd.metadata?.name ?? '';
  try {
    const current = await api.readCustomResourceDefinition({ name });
    crd.metadata = { ...crd.metadata, resourceVersion: current.metadata?.resourceVersion };
    await api.replaceCustomResourceDefinition({ name, body: crd });
  } catch (err) {
    if ((err as { code?: number }).code !== 404) throw err;
    await api.createCustomResourceDefinition({ body: crd });
  }
}

async function isServed(kc: KubeConfig, crd: V1CustomResourceDefinition): Promise<boolean> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const current = await api.readCustomResourceDefinition({ name: crd.metadata?.name ?? '' });
  const established = current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  if (!established) return false;
  const version = crd.spec.versions.find((v) => v.storage)?.name ?? crd.spec.versions[0]?.name ?? '';
  const objects = kc.makeApiClient(CustomObjectsApi);
  await objects.listClusterCustomObject({ group: crd.spec.group, version, plural: crd.spec.names.plural, limit: 1 });
  return true;
}

export async function installCrds(kc: KubeConfig, folder: string, timeoutMs = 60_000): Promise<string[]> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const crds = readCrds(folder);
  for (const crd of crds) await applyCrd(api, crd);
  for (const crd of crds) {
    await waitUntil(`CRD ${crd.metadata?.name ?? ''} established`, () => isServed(kc, crd), timeoutMs);
  }
  return crds.map((c) => c.metadata?.name ?? '');
}
