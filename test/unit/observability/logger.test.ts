import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { createLogger, type LogLevel } from '../../../src/observability/logger.js';

/** The logger as main.ts builds it, writing to a buffer: the exact lines a log collector reads. */
function capture(level: LogLevel = 'debug'): { logger: ReturnType<typeof createLogger>; lines: () => string[] } {
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  return { logger: createLogger(level, sink), lines: () => text.split('\n').filter(Boolean) };
}

async function settle(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('logger', () => {
  it('writes one JSON object per line starting with timestamp, level and message, then the fields in call order', async () => {
    const { logger, lines } = capture();
    logger.child({ resource: 'ns/a', reconcileId: 'r1' }).info('calling ScaleOutCluster', { intentId: 'i-1', count: 2 });
    await settle();
    const [line] = lines();
    expect(Object.keys(JSON.parse(line ?? '{}') as object)).to.deep.equal(['timestamp', 'level', 'message', 'resource', 'reconcileId', 'intentId', 'count']);
    expect(line).to.match(/^\{"timestamp":"\d{4}-\d\d-\d\dT[^"]+Z","level":"info","message":"calling ScaleOutCluster",/);
  });

  it('keeps the message constant when the fields carry a `message` (winston would append it) or an Error is passed', async () => {
    const { logger, lines } = capture();
    logger.warn('ScaleOutCluster failed', { code: 'NoStock', message: 'The requested resource is sold out in the specified zone' });
    logger.error('informer handler threw', new Error('boom'));
    await settle();
    const [failed, threw] = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(failed).to.include({ message: 'ScaleOutCluster failed', code: 'NoStock', detail: 'The requested resource is sold out in the specified zone' });
    expect(threw).to.include({ message: 'informer handler threw', error: 'boom' });
  });

  it('leaves a message alone that merely ends like a field', async () => {
    const { logger, lines } = capture();
    logger.info('stopped', { message: 'stopped' });
    await settle();
    expect(JSON.parse(lines()[0] ?? '{}')).to.include({ message: 'stopped' });
  });

  it('writes debug lines at --log-level debug, from the root and from children of children, and none at info', async () => {
    const debug = capture('debug');
    debug.logger.debug('root');
    debug.logger.child({ worker: 0 }).child({ key: 'ns/a' }).debug('grandchild');
    const info = capture('info');
    info.logger.child({ worker: 0 }).debug('hidden');
    info.logger.info('shown');
    await settle();
    expect(debug.lines().map((l) => (JSON.parse(l) as { message: string }).message)).to.deep.equal(['root', 'grandchild']);
    expect(info.lines().map((l) => (JSON.parse(l) as { message: string }).message)).to.deep.equal(['shown']);
  });

  it('still redacts secrets in fields, nested or moved', async () => {
    const { logger, lines } = capture();
    logger.child({ accessKeySecret: 'child-secret' }).info('credentials loaded', { body: { login_password: 'Hunter2!x' }, token: 't0k' });
    await settle();
    const line = lines()[0] ?? '';
    expect(line).to.not.include('child-secret').and.not.include('Hunter2!x').and.not.include('t0k');
    expect(JSON.parse(line)).to.deep.include({ accessKeySecret: '[REDACTED]', body: { login_password: '[REDACTED]' }, token: '[REDACTED]' });
  });
});
