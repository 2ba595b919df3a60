// Hands out one AckApi per (endpoint, credential): clients are reused across reconciles, and a
// rotated AccessKey in the Secret yields a new client on the next call.
import { createHash } from 'node:crypto';
import type { AckApi, CloudCallObserver } from './ack-api.js';
import { resolveEndpoint } from './endpoint.js';
import { alibabaSdk, type CredentialClient } from './sdk.js';
import { SdkAckApi, type AckCredentials } from './sdk-ack-api.js';

export type CredentialSource =
  | { kind: 'accessKey'; accessKeyId: string; accessKeySecret: string }
  /** @alicloud/credentials' default chain: environment, RRSA (OIDC), config file, ECS RAM role. */
  | { kind: 'default' };

export interface CloudClientFactoryOptions {
  endpointOverride?: string;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  observe?: CloudCallObserver;
}

export type AckApiFactory = (regionId: string, source: CredentialSource) => AckApi;

export function createAckApiFactory(options: CloudClientFactoryOptions): AckApiFactory {
  const clients = new Map<string, AckApi>();
  let defaultChain: CredentialClient | undefined;
  return (regionId, source) => {
    const endpoint = resolveEndpoint(regionId, options.endpointOverride);
    const who = source.kind === 'accessKey'
      ? `${source.accessKeyId}:${createHash('sha256').update(source.accessKeySecret).digest('hex')}`
      : 'default-chain';
    const key = `${endpoint.protocol}://${endpoint.host}|${who}`;
    let client = clients.get(key);
    if (!client) {
      const credentials: AckCredentials = source.kind === 'accessKey'
        ? { kind: 'accessKey', accessKeyId: source.accessKeyId, accessKeySecret: source.accessKeySecret }
        : { kind: 'provider', credential: (defaultChain ??= new (alibabaSdk().Credential)()) };
      client = new SdkAckApi({ endpoint, credentials, connectTimeoutMs: options.connectTimeoutMs, readTimeoutMs: options.readTimeoutMs, observe: options.observe });
      clients.set(key, client);
    }
    return client;
  };
}
