// Reads what a SandboxCapacity refers to in the API server: its Secrets — only when a cloud call is about
// to be made, so a steady state costs no Secret reads; a missing Secret or key is reported by name,
// never guessed — and, to explain an instance that never joined, the one Node ACK maps it to.
import type { CoreV1Api } from '@kubernetes/client-node';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { CredentialSource } from '../cloud/client-factory.js';
import { isNotFound } from '../kube/api-errors.js';
import type { NodeReader } from './ports.js';

export type Resolved<T> = { ok: true; value: T } | { ok: false; reason: 'SecretNotFound' | 'SecretKeyMissing'; message: string };

export interface SecretContent {
  /** The Secret's keys, decoded. */
  data: Readonly<Record<string, string>>;
  resourceVersion: string;
}

export interface SecretReader {
  /** Throws a 404 ApiException when the Secret is absent. */
  read(namespace: string, name: string): Promise<SecretContent>;
}

/** Credentials to sign calls with, and the version of the Secret they came from (undefined: the default chain). */
export interface ResolvedCredentials {
  source: CredentialSource;
  version?: string;
}

/** Reads through the operator's CoreV1Api, so Secret reads share its request timeout and connection. */
export function kubeSecretReader(core: CoreV1Api): SecretReader {
  return {
    async read(namespace, name) {
      const secret = await core.readNamespacedSecret({ name, namespace });
      const decoded = Object.entries(secret.data ?? {}).map(([key, raw]) => [key, Buffer.from(raw, 'base64').toString('utf8')] as const);
      return { data: { ...secret.stringData, ...Object.fromEntries(decoded) }, resourceVersion: secret.metadata?.resourceVersion ?? '' };
    },
  };
}

/**
 * One GET per Secret for the life of the returned reader (one reconcile): the AccessKey pair and a
 * login password in the same Secret cost one round trip, which sits between the event and the call.
 */
export function readEachSecretOnce(reader: SecretReader): SecretReader {
  const reads = new Map<string, Promise<SecretContent>>();
  return {
    read(namespace, name) {
      const key = `${namespace}/${name}`;
      let pending = reads.get(key);
      if (!pending) {
        pending = reader.read(namespace, name);
        reads.set(key, pending);
      }
      return pending;
    },
  };
}

async function readRequired(reader: SecretReader, namespace: string, name: string, key: string, purpose: string): Promise<Resolved<string> & { version?: string }> {
  let content: SecretContent;
  try {
    content = await reader.read(namespace, name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return { ok: false, reason: 'SecretNotFound', message: `Secret ${namespace}/${name} not found (${purpose})` };
  }
  const value = content.data[key];
  if (value === undefined || value === '') {
    return { ok: false, reason: 'SecretKeyMissing', message: `Secret ${namespace}/${name} has no key "${key}" (${purpose})` };
  }
  return { ok: true, value, version: content.resourceVersion };
}

/** Node labels by name through the operator's CoreV1Api (Node get: the RBAC the Node watch already has). */
export function kubeNodeReader(core: CoreV1Api): NodeReader {
  return {
    async labelsOf(name) {
      try {
        return (await core.readNode({ name })).metadata?.labels ?? {};
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
  };
}

export async function resolveCredentialSource(reader: SecretReader, sc: SandboxCapacity): Promise<Resolved<ResolvedCredentials>> {
  const ref = sc.spec.credentials?.secretRef;
  if (!ref) return { ok: true, value: { source: { kind: 'default' } } };
  const ns = sc.metadata.namespace;
  const id = await readRequired(reader, ns, ref.name, 'accessKeyId', 'spec.credentials.secretRef');
  if (!id.ok) return id;
  const secret = await readRequired(reader, ns, ref.name, 'accessKeySecret', 'spec.credentials.secretRef');
  if (!secret.ok) return secret;
  const source: CredentialSource = { kind: 'accessKey', accessKeyId: id.value, accessKeySecret: secret.value };
  return { ok: true, value: secret.version === undefined ? { source } : { source, version: secret.version } };
}

export async function resolveLoginPassword(reader: SecretReader, sc: SandboxCapacity): Promise<Resolved<string | undefined>> {
  const ref = sc.spec.scaleOut?.loginPasswordSecretRef;
  if (!ref) return { ok: true, value: undefined };
  const password = await readRequired(reader, sc.metadata.namespace, ref.name, ref.key, 'spec.scaleOut.loginPasswordSecretRef');
  return password.ok ? { ok: true, value: password.value } : password;
}
