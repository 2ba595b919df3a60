// An index of an informer's cache by label value: for a label key, which cached objects carry each of
// its values. A reconcile then reads the few Nodes its selector picks instead of testing every Node of
// the cache (20,000 in a large cluster), so its cost follows what it counts, not the cluster's size.
//
// A key is indexed from the first time someone asks for it (one scan of the cache), and kept up to date
// from then on by every change of the cache. Only the keys that selectors use are indexed — a Node has
// ~18 labels, and indexing all of them would cost more memory than the trimmed Nodes themselves.
import { objectKey, type CachedObject } from './informer-store.js';

/** What the informer store tells an index: every change of its content, as it happens. */
export interface StoreIndex<T> {
  /** Called once by the store it is attached to: how to read the whole content (to index a new key). */
  attach(content: () => Iterable<T>): void;
  /** `obj` was stored under its key, replacing `previous` (undefined: a new key). */
  stored(obj: T, previous: T | undefined): void;
  /** `previous` was removed. */
  removed(previous: T): void;
}

type LabelsOf<T> = (obj: T) => Readonly<Record<string, string>> | undefined;

const NONE: ReadonlySet<string> = new Set();

export class LabelIndex<T extends CachedObject> implements StoreIndex<T> {
  /** label key → value → keys of the objects that carry it. */
  private readonly byLabel = new Map<string, Map<string, Set<string>>>();
  private content: () => Iterable<T> = () => [];

  constructor(private readonly labelsOf: LabelsOf<T>, alwaysIndexed: readonly string[] = []) {
    for (const label of alwaysIndexed) this.byLabel.set(label, new Map());
  }

  attach(content: () => Iterable<T>): void {
    this.content = content;
    for (const label of this.byLabel.keys()) this.rebuild(label);
  }

  stored(obj: T, previous: T | undefined): void {
    const key = objectKey(obj);
    const now = this.labelsOf(obj);
    const before = previous === undefined ? undefined : this.labelsOf(previous);
    for (const [label, values] of this.byLabel) {
      const oldValue = before?.[label];
      const newValue = now?.[label];
      if (previous !== undefined && oldValue === newValue) continue;
      if (previous !== undefined && oldValue !== undefined) forget(values, oldValue, key);
      if (newValue !== undefined) remember(values, newValue, key);
    }
  }

  removed(previous: T): void {
    const key = objectKey(previous);
    const labels = this.labelsOf(previous);
    for (const [label, values] of this.byLabel) {
      const value = labels?.[label];
      if (value !== undefined) forget(values, value, key);
    }
  }

  /** Keys of the cached objects whose label `label` is `value` (shared: do not mutate). */
  keysWith(label: string, value: string): ReadonlySet<string> {
    return this.valuesOf(label).get(value) ?? NONE;
  }

  /** Every value the cached objects carry for `label`, with the keys of the objects that carry it. */
  valuesOf(label: string): ReadonlyMap<string, ReadonlySet<string>> {
    return this.byLabel.get(label) ?? this.rebuild(label);
  }

  /** The label keys indexed so far. */
  indexedLabels(): string[] {
    return [...this.byLabel.keys()];
  }

  private rebuild(label: string): Map<string, Set<string>> {
    const values = new Map<string, Set<string>>();
    for (const obj of this.content()) {
      const value = this.labelsOf(obj)?.[label];
      if (value !== undefined) remember(values, value, objectKey(obj));
    }
    this.byLabel.set(label, values);
    return values;
  }
}

function remember(values: Map<string, Set<string>>, value: string, key: string): void {
  let keys = values.get(value);
  if (keys === undefined) values.set(value, (keys = new Set()));
  keys.add(key);
}

function forget(values: Map<string, Set<string>>, value: string, key: string): void {
  const keys = values.get(value);
  if (keys === undefined) return;
  keys.delete(key);
  // An empty value is dropped, so valuesOf() lists only values some object still carries.
  if (keys.size === 0) values.delete(value);
}
