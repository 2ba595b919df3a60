import { ApiException } from '@kubernetes/client-node';
import { expect } from 'chai';
import {
  classifyApiError,
  describeApiError,
  isAlreadyExists,
  isConflict,
  isExpired,
  isNotFound,
  isRetryable,
  retryAfterMs,
} from '../../../src/kube/api-errors.js';

function apiError(code: number, status: Record<string, unknown> = {}, headers: Record<string, string> = {}): ApiException<string> {
  return new ApiException(code, 'Unknown API Status Code!', JSON.stringify({ kind: 'Status', code, ...status }), headers);
}

describe('Kubernetes API error classification', () => {
  const cases: [string, unknown, string][] = [
    ['404 Not Found', apiError(404, { reason: 'NotFound' }), 'notFound'],
    ['409 Conflict (stale resourceVersion)', apiError(409, { reason: 'Conflict' }), 'conflict'],
    ['409 AlreadyExists (create of an existing name)', apiError(409, { reason: 'AlreadyExists' }), 'alreadyExists'],
    ['409 without a body', new ApiException(409, 'x', undefined, {}), 'conflict'],
    ['410 Gone', apiError(410, { reason: 'Expired' }), 'expired'],
    ['429 Too Many Requests', apiError(429, { reason: 'TooManyRequests' }), 'retryable'],
    ['500', apiError(500), 'retryable'],
    ['503', apiError(503), 'retryable'],
    ['watch error with statusCode', Object.assign(new Error('Service Unavailable'), { statusCode: 503 }), 'retryable'],
    ['connection refused', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }), 'retryable'],
    ['request timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'retryable'],
    ['undici socket error', Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), 'retryable'],
    ['422 Invalid', apiError(422, { reason: 'Invalid' }), 'error'],
    ['403 Forbidden', apiError(403, { reason: 'Forbidden' }), 'error'],
    ['a programming error', new TypeError('x is not a function'), 'error'],
    ['not an error at all', 'boom', 'error'],
  ];
  for (const [name, err, kind] of cases) {
    it(`${name} → ${kind}`, () => { expect(classifyApiError(err)).to.equal(kind); });
  }

  it('the predicates agree with the classification', () => {
    expect(isNotFound(apiError(404))).to.equal(true);
    expect(isConflict(apiError(409, { reason: 'Conflict' }))).to.equal(true);
    expect(isConflict(apiError(409, { reason: 'AlreadyExists' }))).to.equal(false);
    expect(isAlreadyExists(apiError(409, { reason: 'AlreadyExists' }))).to.equal(true);
    expect(isExpired(apiError(410))).to.equal(true);
    expect(isRetryable(apiError(429))).to.equal(true);
    expect(isRetryable(apiError(400))).to.equal(false);
  });

  it('reads Retry-After from the header, else from the Status details', () => {
    expect(retryAfterMs(apiError(429, {}, { 'retry-after': '3' }))).to.equal(3000);
    expect(retryAfterMs(apiError(429, { details: { retryAfterSeconds: 2 } }))).to.equal(2000);
    expect(retryAfterMs(apiError(500))).to.equal(undefined);
  });

  it('describes errors with the server message or the network cause', () => {
    expect(describeApiError(apiError(409, { message: 'the object has been modified' }))).to.equal('HTTP 409: the object has been modified');
    expect(describeApiError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).to.equal('fetch failed (ECONNREFUSED)');
  });
});
