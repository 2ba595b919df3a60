import { expect } from 'chai';
import { jsonEqual } from '../../../src/kube/json-equal.js';

describe('jsonEqual', () => {
  const cases: [string, unknown, unknown, boolean][] = [
    ['key order does not matter', { a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, true],
    ['array order matters', [1, 2], [2, 1], false],
    ['absent, undefined and null fields are equal', { a: 1, b: undefined }, { a: 1, c: null }, true],
    ['a present value differs from an absent one', { a: 1 }, {}, false],
    ['nested differences are found', { t: [{ s: 'running' }] }, { t: [{ s: 'success' }] }, false],
    ['0 and "0" differ', { a: 0 }, { a: '0' }, false],
    ['array vs object', [], {}, false],
    ['different lengths', [1], [1, 1], false],
  ];
  for (const [name, a, b, equal] of cases) {
    it(name, () => {
      expect(jsonEqual(a, b)).to.equal(equal);
      expect(jsonEqual(b, a)).to.equal(equal);
    });
  }
});
