// Errors are built with the SDK's own exception classes (the same constructor arguments as
// @alicloud/openapi-core's doRequest), real Node socket errors and a real JSON.parse SyntaxError.
import { expect } from 'chai';
import { createRequire } from 'node:module';
import net from 'node:net';
import { MAX_MESSAGE_LENGTH, type CloudErrorKind } from '../../../src/cloud/ack-api.js';
import { classifyCloudError, classifyScaleOutError, sanitizeMessage } from '../../../src/cloud/sdk-errors.js';

interface SdkErrorClass {
  new (map: Record<string, unknown>): Error;
}
const exceptions = createRequire(import.meta.url)('@alicloud/openapi-core/dist/exceptions/error.js') as Record<'ThrottlingError' | 'ClientError' | 'ServerError', SdkErrorClass>;

/** What doRequest throws for an HTTP error response with an ACK JSON body. */
function sdkError(status: number, code: string, message: string, retryAfterHeader?: string): Error {
  const body = { code, message, requestId: 'REQ-1', status };
  const common = {
    statusCode: status,
    code,
    message: `code: ${status}, ${message} request id: REQ-1`,
    detail: 'undefined',
    description: 'undefined',
    data: body,
    requestId: 'REQ-1',
  };
  if (code.includes('Throttling')) {
    const parsed = retryAfterHeader === undefined ? Number.NaN : parseInt(retryAfterHeader, 10);
    return new exceptions.ThrottlingError({ ...common, retryAfter: Number.isNaN(parsed) ? undefined : parsed });
  }
  return status < 500 ? new exceptions.ClientError({ ...common, accessDeniedDetail: null }) : new exceptions.ServerError(common);
}

/** What httpx rejects with on timeouts. */
function timeoutError(kind: 'ReadTimeout' | 'ConnectTimeout'): Error {
  const err = new Error(kind === 'ReadTimeout' ? 'ReadTimeout(3000). POST http://127.0.0.1:1/api/v2/clusters/c failed.' : 'ConnectTimeout: Connect http://127.0.0.1:1/api/v2/clusters/c failed.');
  err.name = 'RequestTimeoutError';
  return err;
}

function refusedConnection(): Promise<Error> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        const socket = net.connect(port, '127.0.0.1');
        socket.on('error', resolve);
      });
    });
  });
}

describe('cloud/errors classification', () => {
  describe('ACK error codes (ScaleOutCluster and reads alike)', () => {
    const table: [number, string, CloudErrorKind][] = [
      [400, 'Throttling.User', 'throttled'],
      [429, 'Throttling.Api', 'throttled'],
      [400, 'Rejected.Throttling', 'throttled'],
      [400, 'OperationDenied.NoStock', 'capacity'],
      [400, 'Zone.NotOnSale', 'capacity'],
      [400, 'QuotaExceeded.Nodes', 'quota'],
      [400, 'InvalidPayMethod', 'quota'],
      [400, 'Account.Arrearage', 'quota'],
      [400, 'InvalidParameter', 'invalidRequest'],
      [400, 'InvalidParameter.InstanceType', 'invalidRequest'],
      [400, 'InvalidVSwitchId.NotFound', 'invalidRequest'],
      [400, 'MissingParameter.Count', 'invalidRequest'],
      [403, 'ErrorCheckAcl', 'permission'],
      [403, 'Forbidden.RAM', 'permission'],
      [404, 'ErrorClusterNotFound', 'notFound'],
      [400, 'InvalidStatus.Forbidden', 'clusterBusy'],
      [400, 'InvalidStatus.Unsupported', 'clusterBusy'],
      [400, 'ErrorClusterState', 'clusterBusy'],
      [400, 'SignatureDoesNotMatch', 'auth'],
      [404, 'InvalidAccessKeyId.NotFound', 'auth'],
      [400, 'IncompleteSignature', 'auth'],
      [400, 'InvalidTimeStamp.Expired', 'auth'],
      [400, 'SignatureNonceUsed', 'transient'],
      [404, 'InvalidAction.NotFound', 'invalidRequest'],
      [413, 'RequestEntityTooLarge', 'invalidRequest'],
      [403, 'InvalidSecurityToken.Expired', 'auth'],
      [400, 'SomethingNew', 'invalidRequest'],
      [401, 'Unauthorized', 'auth'],
      [403, 'SomethingDenied', 'permission'],
      [404, 'SomethingMissing', 'notFound'],
      [404, 'ErrorTaskNotFound', 'notFound'],
    ];
    for (const [status, code, kind] of table) {
      it(`${status} ${code} → ${kind}`, () => {
        const info = classifyCloudError(sdkError(status, code, 'ACK message'));
        expect(info).to.include({ kind, code, message: 'ACK message', httpStatus: status, requestId: 'REQ-1' });
        expect(classifyScaleOutError(sdkError(status, code, 'ACK message')).kind).to.equal(kind);
      });
    }
  });

  describe('server errors: transient for reads, unknown outcome for ScaleOutCluster', () => {
    for (const [status, code] of [[503, 'ServiceUnavailable'], [500, 'InternalError'], [502, 'undefined']] as const) {
      it(`${status} ${code}`, () => {
        expect(classifyCloudError(sdkError(status, code, 'oops')).kind).to.equal('transient');
        const info = classifyScaleOutError(sdkError(status, code, 'oops'));
        expect(info.kind).to.equal('unknownOutcome');
        expect(info.code).to.equal(code === 'undefined' ? 'HTTP502' : code);
      });
    }

    it('a throttling code on a 503 is still throttling', () => {
      expect(classifyScaleOutError(sdkError(503, 'Throttling.User', 'slow down')).kind).to.equal('throttled');
    });
  });

  describe('retry-after', () => {
    it('is read from the SDK error (x-acs-retry-after, milliseconds)', () => {
      expect(classifyCloudError(sdkError(400, 'Throttling.User', 'x', '1500')).retryAfterMs).to.equal(1500);
    });

    it('is absent when the header was', () => {
      expect(classifyCloudError(sdkError(400, 'Throttling.User', 'x')).retryAfterMs).to.equal(undefined);
    });

    it('is only reported for throttling', () => {
      const err = Object.assign(sdkError(400, 'InvalidParameter', 'x'), { retryAfter: 500 });
      expect(classifyCloudError(err).retryAfterMs).to.equal(undefined);
    });
  });

  describe('timeouts', () => {
    for (const kind of ['ReadTimeout', 'ConnectTimeout'] as const) {
      it(`${kind}: transient for a read, unknown outcome for ScaleOutCluster (the request may have been sent)`, () => {
        expect(classifyCloudError(timeoutError(kind))).to.include({ kind: 'transient', code: kind });
        expect(classifyScaleOutError(timeoutError(kind))).to.include({ kind: 'unknownOutcome', code: kind });
      });
    }
  });

  describe('network errors', () => {
    it('a refused connection never reached ACK: transient even for ScaleOutCluster', async () => {
      const err = await refusedConnection();
      expect(classifyScaleOutError(err)).to.include({ kind: 'transient', code: 'ECONNREFUSED' });
    });

    for (const code of ['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']) {
      it(`${code}: transient for both`, () => {
        const err = Object.assign(new Error(`getaddrinfo ${code} example`), { code });
        expect(classifyScaleOutError(err).kind).to.equal('transient');
      });
    }

    for (const code of ['ECONNRESET', 'EPIPE', 'ETIMEDOUT']) {
      it(`${code}: may have been sent → unknown outcome for ScaleOutCluster, transient for reads`, () => {
        const err = Object.assign(new Error(code), { code });
        expect(classifyScaleOutError(err)).to.include({ kind: 'unknownOutcome', code });
        expect(classifyCloudError(err).kind).to.equal('transient');
      });
    }

    it('"socket hang up" without a code is a reset', () => {
      expect(classifyScaleOutError(new Error('socket hang up'))).to.include({ kind: 'unknownOutcome', code: 'ECONNRESET' });
    });

    it('a network code on the cause is found too', () => {
      const err = new Error('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
      expect(classifyScaleOutError(err).kind).to.equal('unknownOutcome');
    });
  });

  describe('malformed responses and other throwables', () => {
    function syntaxError(): unknown {
      try {
        JSON.parse('<html>gateway</html>');
      } catch (err) {
        return err;
      }
      throw new Error('JSON.parse accepted HTML');
    }

    it('a non-JSON body (SyntaxError): unknown outcome for ScaleOutCluster, transient for reads', () => {
      expect(classifyScaleOutError(syntaxError())).to.include({ kind: 'unknownOutcome', code: 'InvalidResponse' });
      expect(classifyCloudError(syntaxError()).kind).to.equal('transient');
    });

    it('credential chain failures are auth (nothing was sent)', () => {
      for (const message of ['Missing required accessKeyId option in config for access_key', 'Failed to get token from ECS Metadata Service. HttpCode=500', 'roleArn does not exist and env ALIBABA_CLOUD_ROLE_ARN is null.']) {
        expect(classifyScaleOutError(new Error(message))).to.include({ kind: 'auth', code: 'CredentialsUnavailable' });
      }
    });

    it('an unknown Error: unknown outcome for ScaleOutCluster (be safe), transient for reads', () => {
      expect(classifyScaleOutError(new TypeError('boom'))).to.include({ kind: 'unknownOutcome', code: 'TypeError' });
      expect(classifyCloudError(new TypeError('boom')).kind).to.equal('transient');
    });

    it('non-Error throwables', () => {
      expect(classifyCloudError('a string')).to.include({ kind: 'transient', message: 'a string' });
      expect(classifyScaleOutError(undefined).kind).to.equal('unknownOutcome');
      expect(classifyCloudError(null).kind).to.equal('transient');
    });

    it('a plain object with an ACK code (e.g. a hand-built error) is classified by its code', () => {
      expect(classifyCloudError({ code: 'QuotaExceeded.Nodes', message: 'quota', statusCode: 400 })).to.include({ kind: 'quota', httpStatus: 400 });
    });
  });

  describe('messages never carry secrets', () => {
    const secrets: [string, string][] = [
      ['accessKeySecret=abc123XYZ and more', 'abc123XYZ'],
      ['{"AccessKeySecret":"s3cr3t","AccessKeyId":"LTAIxxx"}', 's3cr3t'],
      ['login_password: Hello@12345', 'Hello@12345'],
      ['Authorization: ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=deadbeef', 'deadbeef'],
      ["password='hunter2'", 'hunter2'],
      ['SecurityToken=CAIS.token.value', 'CAIS.token.value'],
    ];
    for (const [message, secret] of secrets) {
      it(`redacts ${JSON.stringify(message)}`, () => {
        expect(sanitizeMessage(message)).to.not.contain(secret);
        expect(classifyCloudError(new Error(message)).message).to.not.contain(secret);
      });
    }

    it('drops a dumped credentials payload', () => {
      const message = 'Get credentials from http://x failed, unmarshal response failed, JSON is: {"AccessKeyId":"a","AccessKeySecret":"b-secret"}';
      const info = classifyCloudError(new Error(message));
      expect(info.message).to.not.contain('b-secret');
      expect(info.message).to.contain('JSON is: <omitted>');
    });

    it('bounds the length and folds whitespace', () => {
      expect(sanitizeMessage('x'.repeat(5_000))).to.have.length(MAX_MESSAGE_LENGTH);
      expect(sanitizeMessage('a\n  b\tc')).to.equal('a b c');
    });

    it('keeps an ordinary ACK message intact', () => {
      expect(sanitizeMessage('cannot operate cluster where state is scaling')).to.equal('cannot operate cluster where state is scaling');
    });
  });
});
