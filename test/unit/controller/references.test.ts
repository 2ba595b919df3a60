import { expect } from 'chai';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { readEachSecretOnce, resolveCredentialSource, resolveLoginPassword, type SecretReader } from '../../../src/controller/references.js';

function reader(secrets: Record<string, Record<string, string>>, reads: string[] = []): SecretReader {
  return {
    read(namespace, name) {
      reads.push(`${namespace}/${name}`);
      const s = secrets[`${namespace}/${name}`];
      if (!s) return Promise.reject(Object.assign(new Error('not found'), { code: 404 }));
      return Promise.resolve({ data: s, resourceVersion: '7' });
    },
  };
}

function capacity(spec: Partial<SandboxCapacity['spec']>, scaleOut: Partial<SandboxCapacity['spec']['scaleOut']> = {}): SandboxCapacity {
  return {
    apiVersion: 'capacity.sandbox.dev/v1alpha1', kind: 'SandboxCapacity', metadata: { name: 'sbc', namespace: 'ns' },
    spec: { scaleOut: { ...scaleOut }, ...spec } as SandboxCapacity['spec'],
  };
}

describe('Secret references', () => {
  it('uses the default credential chain when no Secret is referenced', async () => {
    expect(await resolveCredentialSource(reader({}), capacity({}))).to.deep.equal({ ok: true, value: { source: { kind: 'default' } } });
  });

  it('reads the AccessKey pair from the referenced Secret', async () => {
    const r = await resolveCredentialSource(reader({ 'ns/ak': { accessKeyId: 'id', accessKeySecret: 'sec' } }), capacity({ credentials: { secretRef: { name: 'ak' } } }));
    // The Secret's resourceVersion comes along: a change to it lifts a credentials stall.
    expect(r).to.deep.equal({ ok: true, value: { source: { kind: 'accessKey', accessKeyId: 'id', accessKeySecret: 'sec' }, version: '7' } });
  });

  it('names a missing Secret and a missing key', async () => {
    const missing = await resolveCredentialSource(reader({}), capacity({ credentials: { secretRef: { name: 'ak' } } }));
    expect(missing).to.deep.include({ ok: false, reason: 'SecretNotFound' });
    expect(missing.ok ? '' : missing.message).to.include('ns/ak');
    const noKey = await resolveLoginPassword(reader({ 'ns/pw': { other: 'x' } }), capacity({}, { loginPasswordSecretRef: { name: 'pw', key: 'password' } }));
    expect(noKey).to.deep.include({ ok: false, reason: 'SecretKeyMissing' });
    expect(noKey.ok ? '' : noKey.message).to.include('ns/pw').and.include('"password"');
  });

  it('reads the login password only when one is referenced', async () => {
    expect(await resolveLoginPassword(reader({}), capacity({}, { keyPair: 'k' }))).to.deep.equal({ ok: true, value: undefined });
    expect(await resolveLoginPassword(reader({ 'ns/pw': { password: 'Hello@1234' } }), capacity({}, { loginPasswordSecretRef: { name: 'pw', key: 'password' } })))
      .to.deep.equal({ ok: true, value: 'Hello@1234' });
  });

  it('lets other API errors through instead of calling them a missing Secret', async () => {
    const failing: SecretReader = { read: () => Promise.reject(Object.assign(new Error('forbidden'), { code: 403 })) };
    let caught: unknown;
    try { await resolveCredentialSource(failing, capacity({ credentials: { secretRef: { name: 'ak' } } })); } catch (err) { caught = err; }
    expect((caught as { code?: number }).code).to.equal(403);
  });

  it('reads each Secret once per reconcile, however many keys come from it', async () => {
    const reads: string[] = [];
    const once = readEachSecretOnce(reader({ 'ns/ak': { accessKeyId: 'id', accessKeySecret: 'sec', password: 'Hello@1234' } }, reads));
    const sc = capacity({ credentials: { secretRef: { name: 'ak' } } }, { loginPasswordSecretRef: { name: 'ak', key: 'password' } });
    expect(await resolveCredentialSource(once, sc)).to.deep.include({ ok: true });
    expect(await resolveCredentialSource(once, sc)).to.deep.include({ ok: true });
    expect(await resolveLoginPassword(once, sc)).to.deep.equal({ ok: true, value: 'Hello@1234' });
    expect(reads).to.deep.equal(['ns/ak']);
  });

  it('names the missing key of a Secret that exists', async () => {
    const r = await resolveCredentialSource(reader({ 'ns/ak': { accessKeyId: 'id' } }), capacity({ credentials: { secretRef: { name: 'ak' } } }));
    expect(r).to.deep.include({ ok: false, reason: 'SecretKeyMissing' });
    expect(r.ok ? '' : r.message).to.include('"accessKeySecret"');
  });
});
