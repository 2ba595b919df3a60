// Sends hand-made requests signed by the SDK's own signer, for what the SDK client cannot do:
// replays, chunk boundaries, tampering after signing, wrong actions.
import { randomBytes, createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { formatAcsDate } from '../../../../src/simulator/time-format.js';
import { Core } from './sdk.js';

export interface SignedRequestSpec {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: string;
  action: string;
  version?: string;
  date?: number;
  nonce?: string;
}

export interface PreparedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function signRequest(endpoint: string, credentials: { accessKeyId: string; accessKeySecret: string }, spec: SignedRequestSpec): PreparedRequest {
  const body = spec.body ?? '';
  const headers: Record<string, string> = {
    host: endpoint,
    'x-acs-version': spec.version ?? '2015-12-15',
    'x-acs-action': spec.action,
    'x-acs-date': formatAcsDate(spec.date ?? Date.now()),
    'x-acs-signature-nonce': spec.nonce ?? randomBytes(32).toString('hex'),
    accept: 'application/json',
    ...(spec.method === 'POST' ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'x-acs-content-sha256': createHash('sha256').update(body).digest('hex'),
    'x-acs-credentials-provider': 'static_ak',
  };
  const query = spec.query ?? {};
  headers.Authorization = Core.$OpenApiUtil.default.getAuthorization(
    { pathname: spec.path, method: spec.method, query, headers } as never,
    'ACS3-HMAC-SHA256',
    headers['x-acs-content-sha256'] ?? '',
    credentials.accessKeyId,
    credentials.accessKeySecret,
  );
  const search = new URLSearchParams(query).toString().replace(/\+/g, '%20');
  return { method: spec.method, path: search ? `${spec.path}?${search}` : spec.path, headers, body };
}

/** Sends the body in pieces without a content-length, i.e. with chunked transfer encoding. */
export function send(port: number, prepared: PreparedRequest, chunkSize = 7): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method: prepared.method, path: prepared.path, headers: prepared.headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text });
      });
    });
    request.on('error', reject);
    for (let offset = 0; offset < prepared.body.length; offset += chunkSize) {
      request.write(prepared.body.slice(offset, offset + chunkSize));
    }
    request.end();
  });
}
