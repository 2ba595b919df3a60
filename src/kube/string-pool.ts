// One copy of each repeated string. The values JSON.parse returns are fresh strings, so 5,000 Nodes
// carry 5,000 copies of "cn-hangzhou", "amd64", their instance type, node pool and zone labels:
// about half of a trimmed Node's bytes. Passing them through a pool keeps one each.

/** Bounded: values that never repeat (host names) must not grow it without end. */
const DEFAULT_LIMIT = 16_384;

export class StringPool {
  private readonly known = new Map<string, string>();

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  /** The pooled copy of `value` (the first one seen); starts over when the pool is full. */
  intern(value: string): string {
    const pooled = this.known.get(value);
    if (pooled !== undefined) return pooled;
    if (this.known.size >= this.limit) this.known.clear();
    this.known.set(value, value);
    return value;
  }

  get size(): number {
    return this.known.size;
  }
}
