import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/observability/logger.js';
import { REDACTED, redact } from '../../../src/observability/redact.js';

describe('secret redaction', () => {
  it('replaces credential-looking values at any depth and keeps the rest', () => {
    const out = redact({ body: { login_password: 'Hello@1234', count: 2, tags: [{ accessKeySecret: 's' }] }, token: 't', name: 'n' });
    expect(out).to.deep.equal({ body: { login_password: REDACTED, count: 2, tags: [{ accessKeySecret: REDACTED }] }, token: REDACTED, name: 'n' });
  });

  it('keeps secrets out of what the logger writes', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(chunk.toString()); cb(); } });
    const logger = createLogger('debug', sink);
    logger.info('calling ScaleOutCluster', { body: { login_password: 'Hello@1234', count: 1 }, accessKeySecret: 'topsecret' });
    await new Promise((r) => setImmediate(r));
    const text = lines.join('');
    expect(text).to.include('calling ScaleOutCluster').and.include('"count":1');
    expect(text).to.not.include('Hello@1234');
    expect(text).to.not.include('topsecret');
  });
});
