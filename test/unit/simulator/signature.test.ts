import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  buildCanonicalRequest,
  canonicalHeaders,
  canonicalQueryString,
  canonicalUri,
  hmacSha256Hex,
  sha256Hex,
} from '../../../src/simulator/canonical-request.js';
import { AckError } from '../../../src/simulator/errors.js';
import { NonceCache } from '../../../src/simulator/nonce-cache.js';
import { parseAuthorization, verifySignature, type SignedRequest, type VerifierContext } from '../../../src/simulator/signature.js';

interface Vector {
  method: string;
  pathname: string;
  query: Record<string, string>;
  body: string | null;
  headers: Record<string, string>;
  authorization: string;
}

const vectors = JSON.parse(readFileSync(new URL('./fixtures/ack-signature-vectors.json', import.meta.url), 'utf8')) as Vector[];
const VECTOR_DATE = Date.parse('2024-01-01T00:00:00Z');

// The wire form of the query, as the SDK sends it (Node querystring.stringify in insertion order).
function rawQueryOf(query: Record<string, string>): string {
  return new URLSearchParams(query).toString().replace(/\+/g, '%20');
}

function requestOf(vector: Vector, change: Partial<{ headers: Record<string, string>; body: string; pathname: string; rawQuery: string }> = {}): SignedRequest {
  const headers = { ...vector.headers, authorization: vector.authorization, ...change.headers };
  return {
    method: vector.method,
    rawPath: change.pathname ?? vector.pathname,
    rawQuery: change.rawQuery ?? rawQueryOf(vector.query),
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    body: Buffer.from(change.body ?? vector.body ?? '', 'utf8'),
  };
}

function context(overrides: Partial<VerifierContext> = {}): VerifierContext {
  return {
    secretFor: (id) => (id === 'testAK' ? 'testSecret' : undefined),
    now: VECTOR_DATE,
    maxClockSkewMs: 15 * 60 * 1000,
    nonces: new NonceCache(() => 30 * 60 * 1000),
    ...overrides,
  };
}

function refusalCode(request: SignedRequest, ctx = context()): string {
  try {
    verifySignature(request, ctx);
  } catch (error) {
    expect(error).to.be.instanceOf(AckError);
    return (error as AckError).code;
  }
  return 'accepted';
}

describe('simulator signature verification (ACS3-HMAC-SHA256)', () => {
  describe('the SDK-signed vectors', () => {
    for (const vector of vectors) {
      const name = `${vector.method} ${vector.pathname}`;

      it(`accepts ${name}`, () => {
        expect(verifySignature(requestOf(vector), context())).to.equal('testAK');
      });

      it(`refuses ${name} signed with another secret`, () => {
        expect(refusalCode(requestOf(vector), context({ secretFor: () => 'otherSecret' }))).to.equal('SignatureDoesNotMatch');
      });

      it(`refuses ${name} from an unknown AccessKey id`, () => {
        expect(refusalCode(requestOf(vector), context({ secretFor: () => undefined }))).to.equal('InvalidAccessKeyId.NotFound');
      });

      const signedHeaders = parseAuthorization(vector.authorization).signedHeaders;
      for (const header of signedHeaders) {
        it(`refuses ${name} when signed header ${header} changed`, () => {
          const original = vector.headers[header] ?? '';
          const changed = header === 'x-acs-date' ? '2024-01-01T00:00:01Z' : header === 'x-acs-content-sha256' ? sha256Hex('tampered') : `${original}x`;
          expect(refusalCode(requestOf(vector, { headers: { [header]: changed } }))).to.equal('SignatureDoesNotMatch');
        });
      }

      it(`refuses ${name} when the body changed`, () => {
        expect(refusalCode(requestOf(vector, { body: '{"count":2}' }))).to.equal('SignatureDoesNotMatch');
      });

      it(`refuses ${name} when the path changed`, () => {
        expect(refusalCode(requestOf(vector, { pathname: `${vector.pathname}x` }))).to.equal('SignatureDoesNotMatch');
      });

      it(`refuses ${name} when replayed with the same nonce`, () => {
        const ctx = context();
        expect(verifySignature(requestOf(vector), ctx)).to.equal('testAK');
        expect(refusalCode(requestOf(vector), ctx)).to.equal('SignatureNonceUsed');
      });
    }

    it('refuses the query vector when a query value changed', () => {
      const vector = vectors[2]!;
      expect(refusalCode(requestOf(vector, { rawQuery: rawQueryOf({ ...vector.query, pageSize: '10' }) }))).to.equal('SignatureDoesNotMatch');
    });
  });

  describe('freshness', () => {
    const vector = vectors[0]!;

    it('accepts a request dated exactly at the skew limit and refuses one a second beyond it', () => {
      expect(verifySignature(requestOf(vector), context({ now: VECTOR_DATE + 15 * 60 * 1000 }))).to.equal('testAK');
      expect(refusalCode(requestOf(vector), context({ now: VECTOR_DATE + 15 * 60 * 1000 + 1000 }))).to.equal('InvalidTimeStamp.Expired');
      expect(refusalCode(requestOf(vector), context({ now: VECTOR_DATE - 15 * 60 * 1000 - 1000 }))).to.equal('InvalidTimeStamp.Expired');
    });

    it('forgets nonces once their requests would be too old anyway', () => {
      const nonces = new NonceCache(() => 1000);
      expect(nonces.remember('n', 0)).to.equal(true);
      expect(nonces.remember('n', 999)).to.equal(false);
      expect(nonces.remember('n', 2001)).to.equal(true);
    });
  });

  describe('structure of the Authorization header', () => {
    const vector = vectors[1]!;

    it('refuses a request without Authorization', () => {
      const request = requestOf(vector);
      const headers = { ...request.headers, authorization: undefined };
      expect(refusalCode({ ...request, headers })).to.equal('IncompleteSignature');
    });

    it('refuses another algorithm', () => {
      const authorization = vector.authorization.replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3');
      expect(refusalCode(requestOf(vector, { headers: { authorization } }))).to.equal('IncompleteSignature');
    });

    it('refuses a signature that leaves out a required header', () => {
      const authorization = vector.authorization.replace('x-acs-signature-nonce;', '');
      expect(refusalCode(requestOf(vector, { headers: { authorization } }))).to.equal('IncompleteSignature');
    });

    it('refuses an x-acs-* header that was sent but not signed', () => {
      expect(refusalCode(requestOf(vector, { headers: { 'x-acs-extra': 'sneaky' } }))).to.equal('IncompleteSignature');
    });

    it('refuses a malformed x-acs-date with its own code', () => {
      expect(refusalCode(requestOf(vector, { headers: { 'x-acs-date': '2024-01-01 00:00:00' } }))).to.equal('InvalidTimeStamp.Format');
    });

    it('ignores unsigned headers such as user-agent', () => {
      expect(verifySignature(requestOf(vector, { headers: { 'user-agent': 'something else' } }), context())).to.equal('testAK');
    });
  });

  describe('canonicalisation', () => {
    it('canonicalises the SDK wire query of ack-api.md §1', () => {
      const raw = 'nodeLabels=a%3Db%2Cc%3D(d)*!%27&pageNumber=1&pageSize=100&state=all';
      expect(canonicalQueryString(raw)).to.equal('nodeLabels=a%3Db%2Cc%3D%28d%29%2A%21%27&pageNumber=1&pageSize=100&state=all');
    });

    it('sorts query keys by code unit and keeps empty values', () => {
      expect(canonicalQueryString('b=2&a=&B=1&a_b=%20')).to.equal('B=1&a=&a_b=%20&b=2');
      expect(canonicalQueryString('')).to.equal('');
    });

    it('applies the SDK path substitutions without decoding', () => {
      expect(canonicalUri('/clusters/a+b*c%7Ed%2F')).to.equal('/clusters/a%20b%2Ac~d%2F');
    });

    it('trims header values and joins repeated headers sorted', () => {
      expect(canonicalHeaders({ host: [' h '], 'x-acs-a': ['2', '1'] }, ['host', 'x-acs-a'])).to.equal('host:h\nx-acs-a:1,2\n');
    });

    it('reproduces the worked example of ack-api.md §1', () => {
      const vector = vectors[0]!;
      const canonical = buildCanonicalRequest({
        method: 'POST',
        rawPath: vector.pathname,
        rawQuery: '',
        headers: requestOf(vector).headers,
        signedHeaders: parseAuthorization(vector.authorization).signedHeaders,
        payloadHash: sha256Hex(vector.body ?? ''),
      });
      expect(sha256Hex(canonical)).to.equal('82127287a47020214983a8afb0a26bc37eee7a40b3592deb136476451fa792af');
      expect(hmacSha256Hex('testSecret', `ACS3-HMAC-SHA256\n${sha256Hex(canonical)}`)).to.equal(
        '4369f2003cd526dd7a8bad9b5f154bfbf994b544dfb8b1fa5804a961628e68c3',
      );
    });
  });
});
