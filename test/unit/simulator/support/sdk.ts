// Loads the real Alibaba Cloud SDKs the way production does (createRequire, so `.default` is the
// client class under tsx and under compiled output) and points them at a simulator.
import { createRequire } from 'node:module';
import type * as CsEsm from '@alicloud/cs20151215';
import type * as OpenApiClient from '@alicloud/openapi-client';
import type * as OpenApiCore from '@alicloud/openapi-core';
import type * as Dara from '@darabonba/typescript';

const require = createRequire(import.meta.url);

export const CsModels = require('@alicloud/cs20151215') as typeof CsEsm.default;
export const Cs = CsModels.default;
export const OpenApi = require('@alicloud/openapi-client') as typeof OpenApiClient;
export const Core = require('@alicloud/openapi-core') as typeof OpenApiCore.default & typeof OpenApiCore;
export const Tea = require('@darabonba/typescript') as typeof Dara;

export type CsClient = InstanceType<typeof Cs>;

export interface ClientTarget {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
}

export function csClient(target: ClientTarget, overrides: { accessKeyId?: string; accessKeySecret?: string; timeoutMs?: number } = {}): CsClient {
  const timeout = overrides.timeoutMs ?? 2000;
  const config = new OpenApi.Config({
    accessKeyId: overrides.accessKeyId ?? target.accessKeyId,
    accessKeySecret: overrides.accessKeySecret ?? target.accessKeySecret,
    endpoint: target.endpoint,
    protocol: 'http',
    readTimeout: timeout,
    connectTimeout: timeout,
  });
  return new Cs(config);
}

/** ScaleOutCluster through the generic callApi, which can send the seed's legacy sandbox fields. */
export async function scaleOutRaw(client: CsClient, clusterId: string, body: Record<string, unknown>): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const params = new Core.$OpenApiUtil.Params({
    action: 'ScaleOutCluster',
    version: '2015-12-15',
    protocol: 'HTTPS',
    pathname: `/api/v2/clusters/${encodeURIComponent(clusterId)}`,
    method: 'POST',
    authType: 'AK',
    style: 'ROA',
    reqBodyType: 'json',
    bodyType: 'json',
  });
  const request = new Core.$OpenApiUtil.OpenApiRequest({ body });
  const response = (await client.callApi(params, request, new Tea.RuntimeOptions({}))) as { statusCode: number; body: Record<string, unknown> };
  return response;
}

/** The seed document's sandbox request (seed/000_d4a4ba8d38d52485.txt), with a valid password. */
export function seedSandboxBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    login_password: 'Hello@1234',
    worker_instance_charge_type: 'PostPaid',
    vswitch_ids: ['vsw-2zes3rfz7bmk0nxxxxxxx'],
    worker_instance_types: ['ecs.ebmg5s.24xlarge'],
    worker_system_disk_category: 'cloud_efficiency',
    worker_system_disk_size: 120,
    worker_data_disk: true,
    worker_data_disk_category: 'cloud_efficiency',
    worker_data_disk_size: 200,
    tags: [],
    count: 1,
    disable_rollback: false,
    ...overrides,
  };
}

/** Runs `call` and returns what it threw (fails the test if it did not throw). */
export async function rejectionOf(call: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await call();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export interface RawCall {
  action: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pathname: string;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}

/** Any CS call through the SDK's generic callApi: signed like the typed methods, answer not cast. */
export async function callRaw(client: CsClient, call: RawCall): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const params = new Core.$OpenApiUtil.Params({
    action: call.action,
    version: '2015-12-15',
    protocol: 'HTTPS',
    pathname: call.pathname,
    method: call.method,
    authType: 'AK',
    style: 'ROA',
    reqBodyType: 'json',
    bodyType: 'json',
  });
  const request = new Core.$OpenApiUtil.OpenApiRequest({ ...(call.query ? { query: call.query } : {}), ...(call.body ? { body: call.body } : {}) });
  return (await client.callApi(params, request, new Tea.RuntimeOptions({}))) as { statusCode: number; body: Record<string, unknown> };
}
