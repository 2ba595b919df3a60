import { expect } from 'chai';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { resolveCredentialSource, resolveLoginPassword, type SecretReader } from '../../../src/controller/references.js';

function reader(secrets: Record<string, Record<string, string>>): SecretReader {
  return {
    readKey(namespace, name, key) {
      const s = secrets[`${namespace}/${name}`];
      if (!s) return Promise.reject(Object.assign(new Error('not found'), { code: 404 }));
      return Promise.resolve(s[key]);
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
    expect(await resolveCredentialSource(reader({}), capacity({}))).to.deep.equal({ ok: true, value: { kind: 'default' } });
  });

  it('reads the AccessKey pair from the referenced Secret', async () => {
    const r = await resolveCredentialSource(reader({ 'ns/ak': { accessKeyId: 'id', accessKeySecret: 'sec' } }), capacity({ credentials: { secretRef: { name: 'ak' } } }));
    expect(r).to.deep.equal({ ok: true, value: { kind: 'accessKey', accessKeyId: 'id', accessKeySecret: 'sec' } });
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
    const failing: SecretReader = { readKey: () => Promise.reject(Object.assign(new Error('forbidden'), { code: 403 })) };
    let caught: unknown;
    try { await resolveCredentialSource(failing, capacity({ credentials: { secretRef: { name: 'ak' } } })); } catch (err) { caught = err; }
    expect((caught as { code?: number }).code).to.equal(403);
  });
});
