import { expect } from 'chai';
import { ListStreamSplitter } from '../../../src/kube/list-stream.js';

/** Feeds `chunks` to a splitter; what it handed over. */
function split(chunks: readonly string[]): { items: unknown[]; heads: unknown[]; envelope: unknown } {
  const items: unknown[] = [];
  const heads: unknown[] = [];
  const splitter = new ListStreamSplitter((json) => items.push(JSON.parse(json)), (head) => heads.push(head));
  for (const chunk of chunks) splitter.write(chunk);
  return { items, heads, envelope: splitter.end() };
}

const nodeList = {
  kind: 'NodeList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '4711', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDcxMX0' },
  items: [
    {
      metadata: { name: 'n-1', labels: { 'sandbox.dev/runtime': 'runv', items: '[not an array]' }, annotations: { quoted: 'say "hi" \\ and \\"', braces: '}]{[' } },
      spec: { providerID: 'alicloud://cn-hangzhou.i-1', taints: [{ key: 'k', effect: 'NoSchedule' }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }], images: [{ names: ['registry/a@sha256:00', 'registry/a:1'], sizeBytes: 1 }] },
    },
    { metadata: { name: 'n-2 ünï ✓', annotations: { items: '"items":[' } }, status: { items: [{ nested: [[], {}] }] } },
    { metadata: { name: 'n-3' } },
  ],
};
const text = JSON.stringify(nodeList);
const pretty = JSON.stringify(nodeList, null, 2);

describe('ListStreamSplitter (list items as they arrive)', () => {
  it('hands over each element of "items" and keeps the rest as the envelope', () => {
    const { items, heads, envelope } = split([text]);
    expect(items).to.deep.equal(nodeList.items);
    expect(envelope).to.deep.equal({ ...nodeList, items: [] });
    expect(heads).to.deep.equal([{ kind: 'NodeList', apiVersion: 'v1', metadata: nodeList.metadata, items: [] }]);
  });

  it('gives the same result wherever the text is cut into two chunks (strings, escapes, nesting across the cut)', () => {
    for (const source of [text, pretty]) {
      for (let cut = 0; cut <= source.length; cut++) {
        const { items, envelope } = split([source.slice(0, cut), source.slice(cut)]);
        expect(items, `cut at ${cut}`).to.deep.equal(nodeList.items);
        expect(envelope, `cut at ${cut}`).to.deep.equal({ ...nodeList, items: [] });
      }
    }
  });

  it('gives the same result one character at a time', () => {
    const { items, envelope } = split([...pretty]);
    expect(items).to.deep.equal(nodeList.items);
    expect(envelope).to.deep.equal({ ...nodeList, items: [] });
  });

  it('handles an empty list and a null "items"', () => {
    expect(split(['{"kind":"NodeList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}'])).to.deep.include({ items: [] });
    const nullItems = split(['{"kind":"NodeList","apiVersion":"v1","metadata":{},"items":null}']);
    expect(nullItems.items).to.deep.equal([]);
    expect(nullItems.envelope).to.deep.equal({ kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: null });
  });

  it('refuses an element that is not an object, and a truncated response', () => {
    expect(() => split(['{"items":[{"a":1},"b"]}'])).to.throw('an element of "items" is not an object');
    expect(() => split([text.slice(0, -10)])).to.throw('ended in the middle');
    expect(() => split(['[1,2]'])).to.throw('not a JSON object');
  });

  it('lets JSON.parse judge each element: a malformed one fails like a malformed page', () => {
    expect(() => split(['{"items":[{"a":tru}]}'])).to.throw(SyntaxError);
  });
});
