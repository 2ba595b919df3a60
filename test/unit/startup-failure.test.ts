import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type OperatorConfig } from '../../src/config.js';
import { serveEndpoints } from '../../src/observability/http-endpoints.js';
import { checkKubeconfig, describeStartupFailure } from '../../src/startup-failure.js';

function config(argv: string[]): OperatorConfig {
  const c = parseConfig(argv, {});
  if (c === 'help' || c === 'version') throw new Error(c);
  return c;
}

describe('start-up failures', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'sco-startup-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('names --kubeconfig and the path when the file is missing', () => {
    const failure = checkKubeconfig({ kubeconfig: join(dir, 'absent') });
    expect(failure?.message).to.equal('cannot load the kubeconfig');
    expect(failure?.fields).to.include({ flag: '--kubeconfig', path: join(dir, 'absent') });
    expect(String(failure?.fields.error)).to.include('ENOENT');
  });

  it('names --kubeconfig when the file is not a kubeconfig or has no current cluster', () => {
    const garbage = join(dir, 'garbage');
    writeFileSync(garbage, 'clusters: [unterminated');
    expect(checkKubeconfig({ kubeconfig: garbage })).to.deep.include({ message: 'cannot load the kubeconfig' });
    const noContext = join(dir, 'no-context');
    writeFileSync(noContext, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    const failure = checkKubeconfig({ kubeconfig: noContext });
    expect(failure?.fields).to.include({ flag: '--kubeconfig', path: noContext });
    expect(String(failure?.fields.error)).to.include('no current cluster');
  });

  it('passes a usable kubeconfig', () => {
    const good = join(dir, 'good');
    writeFileSync(good, [
      'apiVersion: v1', 'kind: Config', 'current-context: x',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]',
      'users: [{name: u, user: {token: abc}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]', '',
    ].join('\n'));
    expect(checkKubeconfig({ kubeconfig: good })).to.equal(undefined);
  });

  it('names the bind-address flag whose port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => { blocker.listen(0, '127.0.0.1', resolve); });
    const port = (blocker.address() as { port: number }).port;
    const c = config(['--metrics-bind-address', '127.0.0.1:0', '--health-probe-bind-address', `127.0.0.1:${port}`]);
    const err = await serveEndpoints(c.healthProbeBindAddress, {}).then(() => undefined, (e: unknown) => e);
    blocker.close();
    const failure = describeStartupFailure(err, c);
    expect(failure.message).to.equal('cannot listen on the bind address');
    expect(failure.fields).to.include({ flag: '--health-probe-bind-address', address: `127.0.0.1:${port}`, code: 'EADDRINUSE' });
  });

  it('keeps anything else as "start-up failed" with the error and its stack as fields', () => {
    const failure = describeStartupFailure(new Error('informer exploded'), config([]));
    expect(failure.message).to.equal('start-up failed');
    expect(failure.fields).to.include({ error: 'informer exploded' });
    expect(String(failure.fields.stack)).to.include('informer exploded');
  });
});
