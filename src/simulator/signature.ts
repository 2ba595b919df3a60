// Verifies ACS3-HMAC-SHA256 request signatures the way ACK's gateway does (ack-api.md §1):
// the credential must be known, the body must match x-acs-content-sha256, every x-acs-* header
// plus host and content-type must be signed, x-acs-date must be within the allowed skew, the
// signature must match, and a nonce may be used once.
import { timingSafeEqual } from 'node:crypto';
import {
  buildCanonicalRequest,
  buildStringToSign,
  hmacSha256Hex,
  SIGNATURE_ALGORITHM,
  sha256Hex,
  type HeaderValues,
} from './canonical-request.js';
import {
  accessKeyNotFound,
  incompleteSignature,
  nonceUsed,
  signatureDoesNotMatch,
  timestampExpired,
  timestampFormat,
} from './errors.js';
import type { NonceCache } from './nonce-cache.js';
import { parseAcsDate } from './time-format.js';

export interface SignedRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  /** Lower-case header names, every received value. */
  headers: HeaderValues;
  body: Buffer;
}

export interface VerifierContext {
  secretFor(accessKeyId: string): string | undefined;
  now: number;
  maxClockSkewMs: number;
  nonces: NonceCache;
}

export interface AuthorizationParts {
  algorithm: string;
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

const REQUIRED_SIGNED_HEADERS = [
  'host',
  'x-acs-action',
  'x-acs-content-sha256',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-version',
];

function readParameters(text: string): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const item of text.split(',')) {
    const equals = item.indexOf('=');
    if (equals > 0) {
      parameters.set(item.slice(0, equals).trim(), item.slice(equals + 1).trim());
    }
  }
  return parameters;
}

export function parseAuthorization(value: string | undefined): AuthorizationParts {
  if (value === undefined || value.trim() === '') {
    throw incompleteSignature('the Authorization header is missing');
  }
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== SIGNATURE_ALGORITHM) {
    throw incompleteSignature(`unsupported signature algorithm "${algorithm}" (only ${SIGNATURE_ALGORITHM})`);
  }
  const parameters = readParameters(trimmed.slice(space + 1));
  const accessKeyId = parameters.get('Credential');
  const signedHeaders = parameters.get('SignedHeaders');
  const signature = parameters.get('Signature');
  if (!accessKeyId || !signedHeaders || !signature) {
    throw incompleteSignature('Authorization must carry Credential, SignedHeaders and Signature');
  }
  return { algorithm, accessKeyId, signedHeaders: signedHeaders.split(';'), signature: signature.toLowerCase() };
}

function singleHeader(headers: HeaderValues, name: string): string | undefined {
  return headers[name]?.[0];
}

function mustBeSigned(name: string): boolean {
  return name.startsWith('x-acs-') || name === 'host' || name === 'content-type';
}

function checkSignedHeaderList(headers: HeaderValues, signedHeaders: readonly string[]): void {
  const sorted = [...signedHeaders].sort();
  if (sorted.some((name, index) => name !== signedHeaders[index] || name !== name.toLowerCase())) {
    throw incompleteSignature('SignedHeaders must be lower-case and sorted');
  }
  for (const name of REQUIRED_SIGNED_HEADERS) {
    if (!signedHeaders.includes(name)) {
      throw incompleteSignature(`header ${name} must be signed`);
    }
  }
  for (const name of signedHeaders) {
    if (headers[name] === undefined) {
      throw incompleteSignature(`signed header ${name} is missing from the request`);
    }
  }
  for (const name of Object.keys(headers)) {
    if (mustBeSigned(name) && headers[name] !== undefined && !signedHeaders.includes(name)) {
      throw incompleteSignature(`header ${name} is present but not signed`);
    }
  }
}

function checkDate(headers: HeaderValues, context: VerifierContext): void {
  const date = singleHeader(headers, 'x-acs-date') ?? '';
  const sentAt = parseAcsDate(date);
  if (sentAt === undefined) {
    throw timestampFormat(date);
  }
  if (Math.abs(context.now - sentAt) > context.maxClockSkewMs) {
    throw timestampExpired(date);
  }
}

function checkBodyHash(request: SignedRequest): string {
  const bodyHash = sha256Hex(request.body);
  const declared = singleHeader(request.headers, 'x-acs-content-sha256') ?? '';
  if (declared.toLowerCase() !== bodyHash) {
    throw signatureDoesNotMatch(
      `x-acs-content-sha256 ${declared} does not match the SHA-256 of the received body (${bodyHash})`,
    );
  }
  return bodyHash;
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function checkSignature(request: SignedRequest, parts: AuthorizationParts, secret: string, payloadHash: string): void {
  const canonicalRequest = buildCanonicalRequest({
    method: request.method,
    rawPath: request.rawPath,
    rawQuery: request.rawQuery,
    headers: request.headers,
    signedHeaders: parts.signedHeaders,
    payloadHash,
  });
  const stringToSign = buildStringToSign(canonicalRequest);
  if (!sameHex(hmacSha256Hex(secret, stringToSign), parts.signature)) {
    // Like ACK, show the server's string to sign: it names no secret and makes client bugs findable.
    throw signatureDoesNotMatch(`Server string to sign is: ${JSON.stringify(stringToSign)}`);
  }
}

/** Returns the verified AccessKey id; throws an AckError describing the first problem found. */
export function verifySignature(request: SignedRequest, context: VerifierContext): string {
  const parts = parseAuthorization(singleHeader(request.headers, 'authorization'));
  const secret = context.secretFor(parts.accessKeyId);
  if (secret === undefined) {
    throw accessKeyNotFound(parts.accessKeyId);
  }
  checkSignedHeaderList(request.headers, parts.signedHeaders);
  checkDate(request.headers, context);
  const payloadHash = checkBodyHash(request);
  checkSignature(request, parts, secret, payloadHash);
  const nonce = singleHeader(request.headers, 'x-acs-signature-nonce') ?? '';
  if (!context.nonces.remember(`${parts.accessKeyId}:${nonce}`, context.now)) {
    throw nonceUsed();
  }
  return parts.accessKeyId;
}
