// Server-side re-implementation of the ACS3-HMAC-SHA256 canonical request (ack-api.md §1). It works
// on what arrived on the wire (raw path, raw query, received header values) rather than on the
// client's intent, so anything a proxy or a bug changed in transit breaks the signature.
import { createHash, createHmac } from 'node:crypto';
import { AckError } from './errors.js';

export const SIGNATURE_ALGORITHM = 'ACS3-HMAC-SHA256';

export type HeaderValues = Readonly<Record<string, readonly string[] | undefined>>;

export interface CanonicalRequestInput {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: HeaderValues;
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmacSha256Hex(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

/** The SDK's value encoding: only A-Z a-z 0-9 - _ . ~ stay literal, hex in upper case. */
export function acsEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/!/g, '%21')
    .replace(/'/g, '%27')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29')
    .replace(/\*/g, '%2A');
}

/** The raw (undecoded) path with the SDK's three global substitutions. */
export function canonicalUri(rawPath: string): string {
  return rawPath.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new AckError(400, 'InvalidParameter', `query string is not correctly percent-encoded: "${text}"`);
  }
}

export function parseRawQuery(rawQuery: string): [string, string][] {
  if (rawQuery === '') {
    return [];
  }
  return rawQuery
    .split('&')
    .filter((item) => item !== '')
    .map((item): [string, string] => {
      const equals = item.indexOf('=');
      const key = equals < 0 ? item : item.slice(0, equals);
      const value = equals < 0 ? '' : item.slice(equals + 1);
      return [decodeComponent(key), decodeComponent(value)];
    });
}

/** Decoded keys (not re-encoded, as the SDK signs them) sorted by UTF-16 code units, values re-encoded. */
export function canonicalQueryString(rawQuery: string): string {
  return parseRawQuery(rawQuery)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${acsEncode(value)}`)
    .join('&');
}

/** One `name:value\n` line per signed header; repeated headers are sorted and joined with ",". */
export function canonicalHeaders(headers: HeaderValues, signedHeaders: readonly string[]): string {
  return signedHeaders
    .map((name) => {
      const values = (headers[name] ?? []).map((value) => value.trim()).sort();
      return `${name}:${values.join(',')}\n`;
    })
    .join('');
}

export function buildCanonicalRequest(input: CanonicalRequestInput): string {
  return [
    input.method.toUpperCase(),
    canonicalUri(input.rawPath),
    canonicalQueryString(input.rawQuery),
    canonicalHeaders(input.headers, input.signedHeaders),
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

export function buildStringToSign(canonicalRequest: string): string {
  return `${SIGNATURE_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}
