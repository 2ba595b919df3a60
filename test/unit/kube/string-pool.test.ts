import { expect } from 'chai';
import { StringPool } from '../../../src/kube/string-pool.js';

describe('StringPool', () => {
  it('returns each value unchanged and keeps one entry per distinct value', () => {
    const pool = new StringPool();
    const values = ['cn-hangzhou', 'amd64', 'cn-hangzhou', ['cn', 'hangzhou'].join('-'), 'amd64'];
    expect(values.map((v) => pool.intern(v))).to.deep.equal(values);
    expect(pool.size).to.equal(2);
  });

  it('never holds more than its limit: it starts over when full', () => {
    const pool = new StringPool(3);
    for (let i = 0; i < 10; i++) {
      expect(pool.intern(`host-${i}`)).to.equal(`host-${i}`);
      expect(pool.size).to.be.at.most(3);
    }
    expect(pool.size).to.equal(1);
  });
});
