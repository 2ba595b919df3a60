import { expect } from 'chai';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { FreshestObjects } from '../../../src/controller/freshest-object.js';

function at(resourceVersion: string, replicas = 1): SandboxCapacity {
  return { apiVersion: 'capacity.sandbox.dev/v1alpha1', kind: 'SandboxCapacity', metadata: { name: 'a', namespace: 'n', resourceVersion }, spec: { replicas } } as SandboxCapacity;
}

describe('freshest object after our own status write', () => {
  it('prefers the object we wrote while the cache still shows the version it replaced', () => {
    const f = new FreshestObjects();
    const cached = at('10');
    const written = at('11');
    f.remember('n/a', cached, written);
    expect(f.pick('n/a', cached)).to.equal(written);
  });

  it('returns to the cache once it caught up or moved past, and forgets on delete', () => {
    const f = new FreshestObjects();
    f.remember('n/a', at('10'), at('11'));
    const newer = at('12', 5);
    expect(f.pick('n/a', newer)).to.equal(newer);
    // Forgotten: the old version no longer maps to our write.
    const stale = at('10');
    expect(f.pick('n/a', stale)).to.equal(stale);
    f.remember('n/a', at('20'), at('21'));
    f.forget('n/a');
    const again = at('20');
    expect(f.pick('n/a', again)).to.equal(again);
  });

  it('remembers nothing when the write changed nothing', () => {
    const f = new FreshestObjects();
    const same = at('10');
    f.remember('n/a', same, same);
    expect(f.pick('n/a', at('10', 3)).spec.replicas).to.equal(3);
  });
});
