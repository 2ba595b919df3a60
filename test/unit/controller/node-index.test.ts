// The Node cache's label index: kept right by every change of the cache (add, relabel, delete, relist),
// and the Nodes a resource counts read through it are exactly those a scan of the whole cache finds.
import { expect } from 'chai';
import fc from 'fast-check';
import type { LabelSelector, LabelSelectorRequirement, SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { InformerCapacityCache } from '../../../src/controller/capacity-cache.js';
import { selectorCandidates } from '../../../src/controller/selector-candidates.js';
import { InformerStore } from '../../../src/kube/informer-store.js';
import { createNodeLabelIndex } from '../../../src/kube/informers.js';
import type { LabelIndex } from '../../../src/kube/label-index.js';
import type { TrimmedNode } from '../../../src/kube/node-trim.js';
import { capacity } from './helpers.js';

const CLUSTER = 'ack.aliyun.com';
const NONE = { add: () => undefined, update: () => undefined, delete: () => undefined };

function node(name: string, labels: Record<string, string> | undefined, resourceVersion = '1'): TrimmedNode {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, resourceVersion, ...(labels === undefined ? {} : { labels }) },
    spec: { providerID: `cn-hangzhou.i-${name}` },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function indexedStore(): { store: InformerStore<TrimmedNode>; index: LabelIndex<TrimmedNode> } {
  const index = createNodeLabelIndex();
  return { store: new InformerStore<TrimmedNode>(NONE, index), index };
}

function names(keys: Iterable<string> | undefined): string[] {
  return [...(keys ?? [])].sort();
}

function forSelector(nodeSelector: LabelSelector, clusterId = 'c1'): SandboxCapacity {
  const sc = capacity();
  return { ...sc, spec: { ...sc.spec, clusterId, nodeSelector } };
}

describe('Node label index', () => {
  it('follows adds, relabels and deletes of the cache', () => {
    const { store, index } = indexedStore();
    store.upsert(node('a', { pool: 'x', [CLUSTER]: 'c1' }));
    store.upsert(node('b', { pool: 'x', [CLUSTER]: 'c1' }));
    store.upsert(node('c', { pool: 'y', [CLUSTER]: 'c2' }));
    expect(names(index.keysWith('pool', 'x'))).to.deep.equal(['a', 'b']);
    store.upsert(node('b', { pool: 'y', [CLUSTER]: 'c1' }, '2'));
    expect(names(index.keysWith('pool', 'x'))).to.deep.equal(['a']);
    expect(names(index.keysWith('pool', 'y'))).to.deep.equal(['b', 'c']);
    store.upsert(node('a', { [CLUSTER]: 'c1' }, '2'));
    expect(names(index.keysWith('pool', 'x'))).to.deep.equal([]);
    store.remove(node('c', { pool: 'y', [CLUSTER]: 'c2' }));
    expect(names(index.keysWith('pool', 'y'))).to.deep.equal(['b']);
    expect([...index.valuesOf(CLUSTER).keys()]).to.deep.equal(['c1']);
  });

  it('indexes a key from the content already cached the first time it is asked for, then keeps it current', () => {
    const { store, index } = indexedStore();
    store.upsert(node('a', { pool: 'x' }));
    expect(index.indexedLabels()).to.deep.equal([CLUSTER]);
    expect(names(index.keysWith('pool', 'x'))).to.deep.equal(['a']);
    expect(index.indexedLabels()).to.deep.equal([CLUSTER, 'pool']);
    store.upsert(node('b', { pool: 'x' }));
    expect(names(index.keysWith('pool', 'x'))).to.deep.equal(['a', 'b']);
  });

  it('follows a relist: vanished Nodes leave it, changed ones move, new ones enter', () => {
    const { store, index } = indexedStore();
    store.replace([node('a', { pool: 'x' }), node('b', { pool: 'x' })]);
    expect(names(index.keysWith('pool', 'x'))).to.deep.equal(['a', 'b']);
    store.replace([node('b', { pool: 'y' }, '2'), node('c', { pool: 'x' })]);
    expect(names(index.keysWith('pool', 'x'))).to.deep.equal(['c']);
    expect(names(index.keysWith('pool', 'y'))).to.deep.equal(['b']);
    expect([...index.valuesOf('pool').keys()].sort()).to.deep.equal(['x', 'y']);
  });

  it('gives the smallest equality term as candidates, the union of an In, and nothing to narrow by without an equality term', () => {
    const { store, index } = indexedStore();
    store.upsert(node('a', { runtime: 'runv', pool: 'x', zone: 'h' }));
    store.upsert(node('b', { runtime: 'runv', pool: 'y', zone: 'i' }));
    store.upsert(node('c', { runtime: 'runv', pool: 'z', zone: 'j' }));
    expect(names(selectorCandidates({ matchLabels: { runtime: 'runv', pool: 'x' } }, index))).to.deep.equal(['a']);
    expect(names(selectorCandidates({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['h', 'i'] }] }, index))).to.deep.equal(['a', 'b']);
    expect(names(selectorCandidates({ matchLabels: { pool: 'nowhere' } }, index))).to.deep.equal([]);
    expect(selectorCandidates({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['h'] }] }, index)).to.equal(undefined);
    expect(selectorCandidates({}, index)).to.equal(undefined);
  });

  it('tells the cluster ids of the watched Nodes from the index', () => {
    const { store, index } = indexedStore();
    const cache = new InformerCapacityCache([], store, [], index);
    store.upsert(node('a', { [CLUSTER]: 'c1' }));
    expect(cache.clusterIdentity()).to.deep.equal({ clusterIds: ['c1'], source: 'nodes' });
    store.upsert(node('b', { [CLUSTER]: 'c2' }));
    expect(cache.clusterIdentity()).to.have.property('unknown');
    store.remove(node('b', { [CLUSTER]: 'c2' }));
    expect(cache.clusterIdentity()).to.deep.equal({ clusterIds: ['c1'], source: 'nodes' });
  });
});

// Property: after any sequence of cache changes, every selector's Nodes through the index equal a
// scan of the whole cache, and so does the cluster identity.
const NAMES = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'];
const KEYS = ['pool', 'zone', CLUSTER];
const VALUES = ['a', 'b', 'c', 'c1', 'c2', ''];

const labelsArb: fc.Arbitrary<Record<string, string> | undefined> = fc.option(fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 }), { nil: undefined });
const nodeArb = fc.record({ name: fc.constantFrom(...NAMES), labels: labelsArb });

type Change =
  | { kind: 'upsert'; name: string; labels: Record<string, string> | undefined }
  | { kind: 'remove'; name: string }
  | { kind: 'replace'; nodes: { name: string; labels: Record<string, string> | undefined }[] }
  | { kind: 'ask'; key: string };

const changeArb: fc.Arbitrary<Change> = fc.oneof(
  { weight: 6, arbitrary: nodeArb.map((n) => ({ kind: 'upsert' as const, ...n })) },
  { weight: 2, arbitrary: fc.constantFrom(...NAMES).map((name) => ({ kind: 'remove' as const, name })) },
  { weight: 1, arbitrary: fc.array(nodeArb, { maxLength: 6 }).map((nodes) => ({ kind: 'replace' as const, nodes })) },
  // A selector asking for a key mid-way: the key is indexed from then on.
  { weight: 1, arbitrary: fc.constantFrom(...KEYS).map((key) => ({ kind: 'ask' as const, key })) },
);

const requirementArb: fc.Arbitrary<LabelSelectorRequirement> = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 3 }) }),
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
);
const selectorArb: fc.Arbitrary<LabelSelector> = fc.record({
  matchLabels: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 }),
  matchExpressions: fc.array(requirementArb, { maxLength: 2 }),
}, { requiredKeys: [] });

function apply(store: InformerStore<TrimmedNode>, index: LabelIndex<TrimmedNode>, change: Change, version: number): void {
  switch (change.kind) {
    case 'upsert':
      store.upsert(node(change.name, change.labels, String(version)));
      return;
    case 'remove':
      store.remove(node(change.name, undefined));
      return;
    case 'replace':
      store.replace(change.nodes.map((n) => node(n.name, n.labels, String(version))));
      return;
    case 'ask':
      index.valuesOf(change.key);
  }
}

describe('Node label index (property: equal to a scan of the whole cache)', () => {
  it('counts the same Nodes and tells the same cluster as a scan, after any sequence of changes', () => {
    fc.assert(fc.property(fc.array(changeArb, { maxLength: 30 }), fc.array(selectorArb, { minLength: 1, maxLength: 4 }), fc.constantFrom('c1', 'c2'), (changes, selectors, clusterId) => {
      const { store, index } = indexedStore();
      const indexed = new InformerCapacityCache([], store, [], index);
      const scanned = new InformerCapacityCache([], store, []);
      const check = (): void => {
        for (const selector of selectors) {
          const sc = forSelector(selector, clusterId);
          const viaIndex = indexed.matchingNodes(sc).map((n) => n.name).sort();
          expect(viaIndex, JSON.stringify(selector)).to.deep.equal(scanned.matchingNodes(sc).map((n) => n.name).sort());
        }
        expect(indexed.clusterIdentity()).to.deep.equal(scanned.clusterIdentity());
      };
      changes.forEach((change, i) => {
        apply(store, index, change, i + 2);
        check();
      });
    }), { numRuns: 2000 });
  });
});
