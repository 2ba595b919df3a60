import { expect } from 'chai';
import { isExpired } from '../../../src/kube/api-errors.js';
import { createKubeClients } from '../../../src/kube/clients.js';
import type { RawObject } from '../../../src/kube/list-watch-transport.js';
import { RecordingServer } from './recording-server.js';

describe('the informers list call (list-watch-transport.ts)', () => {
  const server = new RecordingServer();
  before(async () => { await server.start(); });
  after(async () => { await server.stop(); });

  it('passes each item, with the apiVersion and kind of its list, through `each` and keeps what it returns', async () => {
    server.answer = () => ({
      status: 200,
      body: { kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: '77', continue: 'c2' }, items: [{ metadata: { name: 'a' } }, { metadata: { name: 'skip' } }, { metadata: { name: 'b' } }] },
    });
    const seen: RawObject[] = [];
    const { transport } = createKubeClients(server.kubeConfig());
    const page = await transport.list('/api/v1/nodes', { labelSelector: 'sandbox.dev/runtime=runv', limit: 500, continue: 'c1' }, (item) => {
      seen.push(item);
      return item.metadata?.name === 'skip' ? undefined : item.metadata?.name;
    });
    expect(page).to.deep.equal({ items: ['a', 'b'], resourceVersion: '77', continueToken: 'c2' });
    expect(seen.map((item) => [item.apiVersion, item.kind])).to.deep.equal([['v1', 'Node'], ['v1', 'Node'], ['v1', 'Node']]);
    expect(server.requests.at(-1)).to.include({ method: 'GET', url: '/api/v1/nodes?labelSelector=sandbox.dev%2Fruntime%3Drunv&limit=500&continue=c1', authorization: 'Bearer test-token' });
  });

  it('has no continue token on the last page', async () => {
    server.answer = () => ({ status: 200, body: { kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: '78' }, items: [] } });
    const page = await createKubeClients(server.kubeConfig()).transport.list('/api/v1/nodes', {}, (item) => item);
    expect(page).to.deep.equal({ items: [], resourceVersion: '78' });
  });

  it('fails with the API error on a non-200 answer (410: the continue token expired)', async () => {
    const status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: 'The provided continue parameter is too old' };
    server.answer = () => ({ status: 410, body: status });
    const err = await createKubeClients(server.kubeConfig()).transport.list('/api/v1/nodes', {}, (item) => item).then(() => undefined, (e: unknown) => e);
    expect(isExpired(err)).to.equal(true);
    expect(JSON.parse(String((err as { body?: unknown }).body))).to.deep.equal(status);
  });
});
