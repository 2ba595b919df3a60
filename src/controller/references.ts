// Reads the Secrets a SandboxCapacity refers to — only when a cloud call is about to be made, so a
// steady state costs no Secret reads. A missing Secret or key is reported by name, never guessed.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { CredentialSource } from '../cloud/client-factory.js';

export type Resolved<T> = { ok: true; value: T } | { ok: false; reason: 'SecretNotFound' | 'SecretKeyMissing'; message: string };

export interface SecretReader {
  /** The decoded value, undefined when the key is absent; throws a 404 ApiException when the Secret is. */
  readKey(namespace: string, name: string, key: string): Promise<string | undefined>;
}

export function kubeSecretReader(kc: KubeConfig): SecretReader {
  const core = kc.makeApiClient(CoreV1Api);
  return {
    async readKey(namespace, name, key) {
      const secret = await core.readNamespacedSecret({ name, namespace });
      const raw = secret.data?.[key];
      if (raw !== undefined) return Buffer.from(raw, 'base64').toString('utf8');
      return secret.stringData?.[key];
    },
  };
}

function isNotFound(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 404;
}

async function readRequired(reader: SecretReader, namespace: string, name: string, key: string, purpose: string): Promise<Resolved<string>> {
  try {
    const value = await reader.readKey(namespace, name, key);
    if (value === undefined || value === '') {
      return { ok: false, reason: 'SecretKeyMissing', message: `Secret ${namespace}/${name} has no key "${key}" (${purpose})` };
    }
    return { ok: true, value };
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return { ok: false, reason: 'SecretNotFound', message: `Secret ${namespace}/${name} not found (${purpose})` };
  }
}

export async function resolveCredentialSource(reader: SecretReader, sc: SandboxCapacity): Promise<Resolved<CredentialSource>> {
  const ref = sc.spec.credentials?.secretRef;
  if (!ref) return { ok: true, value: { kind: 'default' } };
  const ns = sc.metadata.namespace;
  const id = await readRequired(reader, ns, ref.name, 'accessKeyId', 'spec.credentials.secretRef');
  if (!id.ok) return id;
  const secret = await readRequired(reader, ns, ref.name, 'accessKeySecret', 'spec.credentials.secretRef');
  if (!secret.ok) return secret;
  return { ok: true, value: { kind: 'accessKey', accessKeyId: id.value, accessKeySecret: secret.value } };
}

export async function resolveLoginPassword(reader: SecretReader, sc: SandboxCapacity): Promise<Resolved<string | undefined>> {
  const ref = sc.spec.scaleOut.loginPasswordSecretRef;
  if (!ref) return { ok: true, value: undefined };
  return readRequired(reader, sc.metadata.namespace, ref.name, ref.key, 'spec.scaleOut.loginPasswordSecretRef');
}
