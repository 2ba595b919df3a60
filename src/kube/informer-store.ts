// The informer's in-memory cache: objects by key, and the add/update/delete notifications that
// follow from each change — including the diff a full relist implies (objects that vanished while
// the watch was down are reported as deleted). An optional index (label-index.ts) sees every change
// before the handlers do, so a handler that reads the index already finds the change in it.
import type { StoreIndex } from './label-index.js';

/** What the cache needs of an object: its name, namespace and resourceVersion. */
export interface CachedObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/** "namespace/name" for namespaced objects, "name" for cluster-scoped ones (client-go's key format). */
export function objectKey(obj: CachedObject): string {
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

export interface InformerHandlers<T> {
  add?: (obj: T) => void;
  update?: (oldObj: T, newObj: T) => void;
  delete?: (obj: T) => void;
}

export class InformerStore<T extends CachedObject> {
  private items = new Map<string, T>();

  constructor(private readonly notify: Required<InformerHandlers<T>>, private readonly index?: StoreIndex<T>) {
    index?.attach(() => this.items.values());
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  size(): number {
    return this.items.size;
  }

  upsert(obj: T): void {
    const key = objectKey(obj);
    const previous = this.items.get(key);
    this.items.set(key, obj);
    this.index?.stored(obj, previous);
    if (!previous) this.notify.add(obj);
    else if (!isSameVersion(previous, obj)) this.notify.update(previous, obj);
  }

  remove(obj: T): void {
    const key = objectKey(obj);
    const previous = this.items.get(key);
    if (!previous) return;
    this.items.delete(key);
    this.index?.removed(previous);
    this.notify.delete(previous);
  }

  /** Replaces the whole content (after a list), notifying the differences. */
  replace(objects: readonly T[]): void {
    const previous = this.items;
    this.items = new Map(objects.map((obj) => [objectKey(obj), obj]));
    if (this.index) {
      for (const [key, old] of previous) if (!this.items.has(key)) this.index.removed(old);
      for (const [key, obj] of this.items) this.index.stored(obj, previous.get(key));
    }
    for (const [key, old] of previous) {
      if (!this.items.has(key)) this.notify.delete(old);
    }
    for (const [key, obj] of this.items) {
      const old = previous.get(key);
      if (!old) this.notify.add(obj);
      else if (!isSameVersion(old, obj)) this.notify.update(old, obj);
    }
  }
}

function isSameVersion(a: CachedObject, b: CachedObject): boolean {
  const version = a.metadata?.resourceVersion;
  return version !== undefined && version === b.metadata?.resourceVersion;
}
