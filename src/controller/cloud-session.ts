// One reconcile's access to ACK: the credentials are resolved at most once, and only when a cloud call
// is actually due (a settled resource reads no Secret); the login password only when a request is
// about to be sent. A missing Secret or key becomes a Blocked for the planner, never a guess.
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { AckApi } from '../cloud/ack-api.js';
import type { Blocked } from './core/index.js';
import type { CloudAccess } from './ports.js';
import { readEachSecretOnce, resolveCredentialSource, resolveLoginPassword, type SecretReader } from './references.js';

export type Reachable<T> = { ok: true; value: T } | { ok: false; blocked: Blocked };

export interface RequestAccess {
  api: AckApi;
  loginPassword?: string;
}

export class CloudSession {
  private readonly secrets: SecretReader;
  private client: Promise<Reachable<AckApi>> | undefined;
  /** resourceVersion of the credentials Secret, once read. */
  credentialsVersion: string | undefined;

  constructor(private readonly capacity: SandboxCapacity, secrets: SecretReader, private readonly cloud: CloudAccess) {
    this.secrets = readEachSecretOnce(secrets);
  }

  /** The ACK client for the resource's region and credentials (resolved on first use). */
  api(): Promise<Reachable<AckApi>> {
    this.client ??= this.resolveClient();
    return this.client;
  }

  /** The client plus what a request needs besides it (the login password), read in parallel. */
  async forRequest(): Promise<Reachable<RequestAccess>> {
    const [client, password] = await Promise.all([this.api(), resolveLoginPassword(this.secrets, this.capacity)]);
    if (!client.ok) return client;
    if (!password.ok) return { ok: false, blocked: { reason: password.reason, message: password.message } };
    return { ok: true, value: password.value === undefined ? { api: client.value } : { api: client.value, loginPassword: password.value } };
  }

  private async resolveClient(): Promise<Reachable<AckApi>> {
    const resolved = await resolveCredentialSource(this.secrets, this.capacity);
    if (!resolved.ok) return { ok: false, blocked: { reason: resolved.reason, message: resolved.message } };
    this.credentialsVersion = resolved.value.version;
    return { ok: true, value: this.cloud.clients(this.capacity.spec.regionId, resolved.value.source) };
  }
}
