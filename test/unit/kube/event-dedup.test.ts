import { expect } from 'chai';
import { eventDedupKey, eventName, eventNamespace, truncateMessage, type InvolvedObject } from '../../../src/kube/event-dedup.js';

const sbc: InvolvedObject = { apiVersion: 'capacity.sandbox.dev/v1alpha1', kind: 'SandboxCapacity', name: 'workers', namespace: 'ns', uid: 'u1' };

describe('event dedup keys, names and messages', () => {
  it('the same object, type, reason and message give the same key', () => {
    expect(eventDedupKey(sbc, 'Normal', 'ScaleOutRequested', 'm')).to.equal(eventDedupKey({ ...sbc }, 'Normal', 'ScaleOutRequested', 'm'));
  });

  const differing: [string, string][] = [
    ['another object', eventDedupKey({ ...sbc, name: 'other' }, 'Normal', 'R', 'm')],
    ['another namespace', eventDedupKey({ ...sbc, namespace: 'ns2' }, 'Normal', 'R', 'm')],
    ['a recreated object (new uid)', eventDedupKey({ ...sbc, uid: 'u2' }, 'Normal', 'R', 'm')],
    ['another kind', eventDedupKey({ ...sbc, kind: 'Node' }, 'Normal', 'R', 'm')],
    ['another type', eventDedupKey(sbc, 'Warning', 'R', 'm')],
    ['another reason', eventDedupKey(sbc, 'Normal', 'R2', 'm')],
    ['another message', eventDedupKey(sbc, 'Normal', 'R', 'm2')],
  ];
  for (const [what, key] of differing) {
    it(`${what} gives another key`, () => { expect(key).to.not.equal(eventDedupKey(sbc, 'Normal', 'R', 'm')); });
  }

  it('keys cannot be forged by separators inside fields', () => {
    expect(eventDedupKey({ ...sbc, name: 'a/b' }, 'Normal', 'R', 'm')).to.not.equal(eventDedupKey({ ...sbc, namespace: 'ns/a', name: 'b' }, 'Normal', 'R', 'm'));
  });

  it('leaves messages up to 1 KiB alone', () => {
    const exact = 'x'.repeat(1024);
    expect(truncateMessage(exact)).to.equal(exact);
  });

  it('cuts longer messages to at most 1024 bytes and marks the cut', () => {
    const cut = truncateMessage('y'.repeat(5000));
    expect(Buffer.byteLength(cut)).to.equal(1024);
    expect(cut.endsWith('...')).to.equal(true);
  });

  it('never splits a multi-byte character', () => {
    const cut = truncateMessage('节点'.repeat(400));
    expect(Buffer.byteLength(cut)).to.be.at.most(1024);
    expect(cut).to.match(/^(节点|节)+\.\.\.$/u);
    expect(cut).to.not.include('\uFFFD');
  });

  it('names events <object>.<hex time + random>, within the 253-character limit', () => {
    expect(eventName(sbc, 0x18d3a, () => 0.5)).to.equal('workers.18d3a8000');
    const long = eventName({ ...sbc, name: 'n'.repeat(253) }, Date.UTC(2026, 0, 1), () => 0);
    expect(long.length).to.be.at.most(253);
  });

  it('events about cluster-scoped objects go to the default namespace', () => {
    expect(eventNamespace({ apiVersion: 'v1', kind: 'Node', name: 'n1' })).to.equal('default');
    expect(eventNamespace(sbc)).to.equal('ns');
  });
});
