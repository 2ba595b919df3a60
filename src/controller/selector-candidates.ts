// Which cached Nodes a label selector can possibly pick, read from the label index: every equality
// term (a matchLabels entry, an `In` requirement) names the only values a picked Node may carry for
// its key, so the Nodes carrying them are a superset of the selection. The smallest such set is the
// one to test. A selector without an equality term (only NotIn / Exists / DoesNotExist, or empty)
// gives no such set: the caller scans the cache.
import type { LabelSelector } from '../api/sandbox-capacity.js';
import type { LabelIndex } from '../kube/label-index.js';
import type { CachedObject } from '../kube/informer-store.js';

/** Keys of a superset of the Nodes the selector picks; undefined: no equality term, scan them all. */
export function selectorCandidates<T extends CachedObject>(selector: LabelSelector, index: LabelIndex<T>): ReadonlySet<string> | undefined {
  let smallest: ReadonlySet<string> | undefined;
  const consider = (keys: ReadonlySet<string>): void => {
    if (smallest === undefined || keys.size < smallest.size) smallest = keys;
  };
  for (const [label, value] of Object.entries(selector.matchLabels ?? {})) consider(index.keysWith(label, value));
  for (const requirement of selector.matchExpressions ?? []) {
    if (requirement.operator === 'In') consider(unionOf(index, requirement.key, requirement.values ?? []));
  }
  return smallest;
}

function unionOf<T extends CachedObject>(index: LabelIndex<T>, label: string, values: readonly string[]): ReadonlySet<string> {
  if (values.length === 1) return index.keysWith(label, values[0] as string);
  const union = new Set<string>();
  for (const value of values) for (const key of index.keysWith(label, value)) union.add(key);
  return union;
}
