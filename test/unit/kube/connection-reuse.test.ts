import { expect } from 'chai';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { ConnectionReusingKubeConfig } from '../../../src/kube/clients.js';

function kubeConfig(caData: string): ConnectionReusingKubeConfig {
  const kc = new ConnectionReusingKubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', caData, skipTLSVerify: false }],
    users: [{ name: 'u', token: 'not-a-real-token' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return kc;
}

async function dispatcherOf(kc: ConnectionReusingKubeConfig): Promise<unknown> {
  const context = new RequestContext('https://127.0.0.1:6443/api/v1/nodes', HttpMethod.GET);
  await kc.applySecurityAuthentication(context);
  return context.getDispatcher();
}

describe('ConnectionReusingKubeConfig', () => {
  it('hands every request the same dispatcher, so calls share a kept-alive connection', async () => {
    const kc = kubeConfig(Buffer.from('ca-one').toString('base64'));
    const first = await dispatcherOf(kc);
    expect(first).to.not.equal(undefined);
    expect(await dispatcherOf(kc)).to.equal(first);
    expect(await dispatcherOf(kc)).to.equal(first);
  });

  it('starts a new dispatcher when the TLS material changes (a rotated CA or client certificate)', async () => {
    const kc = kubeConfig(Buffer.from('ca-one').toString('base64'));
    const before = await dispatcherOf(kc);
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('no cluster');
    (cluster as { caData?: string }).caData = Buffer.from('ca-two').toString('base64');
    const after = await dispatcherOf(kc);
    expect(after).to.not.equal(before);
    expect(await dispatcherOf(kc)).to.equal(after);
  });

  it('still applies the credentials to every request', async () => {
    const kc = kubeConfig(Buffer.from('ca-one').toString('base64'));
    await dispatcherOf(kc);
    const context = new RequestContext('https://127.0.0.1:6443/api/v1/nodes', HttpMethod.GET);
    await kc.applySecurityAuthentication(context);
    expect(context.getHeaders().Authorization).to.equal('Bearer not-a-real-token');
  });
});
