import { expect } from 'chai';
import type { LabelSelector } from '../../../src/api/sandbox-capacity.js';
import { matchesSelector, selectorToString } from '../../../src/controller/core/nodes.js';

const RUNTIME = { 'alibabacloud.com/container-runtime': 'Sandboxed-Container.runv' };

describe('controller/core selector', () => {
  const cases: { name: string; selector: LabelSelector; labels: Record<string, string> | undefined; matches: boolean }[] = [
    { name: 'empty selector matches everything', selector: {}, labels: { a: 'b' }, matches: true },
    { name: 'empty selector matches a node without labels', selector: {}, labels: undefined, matches: true },
    { name: 'matchLabels equal', selector: { matchLabels: RUNTIME }, labels: { ...RUNTIME, x: 'y' }, matches: true },
    { name: 'matchLabels other value', selector: { matchLabels: RUNTIME }, labels: { 'alibabacloud.com/container-runtime': 'containerd' }, matches: false },
    { name: 'matchLabels missing key', selector: { matchLabels: RUNTIME }, labels: {}, matches: false },
    { name: 'In with listed value', selector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['h', 'i'] }] }, labels: { zone: 'i' }, matches: true },
    { name: 'In with other value', selector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['h', 'i'] }] }, labels: { zone: 'j' }, matches: false },
    { name: 'In without the key', selector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['h'] }] }, labels: {}, matches: false },
    { name: 'NotIn without the key', selector: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['h'] }] }, labels: {}, matches: true },
    { name: 'NotIn with listed value', selector: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['h'] }] }, labels: { zone: 'h' }, matches: false },
    { name: 'NotIn with other value', selector: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['h'] }] }, labels: { zone: 'i' }, matches: true },
    { name: 'Exists with key', selector: { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, labels: { gpu: '' }, matches: true },
    { name: 'Exists without key', selector: { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, labels: {}, matches: false },
    { name: 'DoesNotExist without key', selector: { matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, labels: {}, matches: true },
    { name: 'DoesNotExist with key', selector: { matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, labels: { gpu: 'x' }, matches: false },
    {
      name: 'matchLabels and expressions are ANDed',
      selector: { matchLabels: RUNTIME, matchExpressions: [{ key: 'zone', operator: 'In', values: ['h'] }] },
      labels: { ...RUNTIME, zone: 'i' },
      matches: false,
    },
    { name: 'a label named like an Object prototype key is not assumed', selector: { matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, labels: {}, matches: false },
  ];
  for (const { name, selector, labels, matches } of cases) {
    it(name, () => {
      expect(matchesSelector(selector, labels)).to.equal(matches);
    });
  }

  const strings: [LabelSelector, string][] = [
    [{}, ''],
    [{ matchLabels: RUNTIME }, 'alibabacloud.com/container-runtime=Sandboxed-Container.runv'],
    [{ matchLabels: { c: 'd', a: 'b' } }, 'a=b,c=d'],
    [{ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'In', values: ['e', 'd'] }] }, 'a=b,c in (d,e)'],
    [{ matchExpressions: [{ key: 'z', operator: 'NotIn', values: ['x'] }, { key: 'g', operator: 'Exists' }, { key: 'h', operator: 'DoesNotExist' }] }, 'g,!h,z notin (x)'],
  ];
  for (const [selector, text] of strings) {
    it(`renders ${JSON.stringify(selector)} as "${text}"`, () => {
      expect(selectorToString(selector)).to.equal(text);
    });
  }
});
