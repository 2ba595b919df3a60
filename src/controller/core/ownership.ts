// Which Nodes a resource may count, and which cluster it may buy for.
//   - A Node counts for a resource when spec.nodeSelector selects it and it does not carry another
//     cluster's id (ACK labels every Node `ack.aliyun.com: <cluster id>`).
//   - The operator buys only for the cluster whose Nodes it watches: --cluster-id (a list, for a test bed
//     where Nodes of several simulated clusters share one API server), or, when unset, the one cluster
//     id every watched Node carries. No id, or several: it cannot tell, and buys nothing.
//   - One owner per Node: two resources of the same cluster whose selectors may pick the same Node
//     (not provably disjoint) overlap. The one created first keeps counting and buying; every newer
//     one buys nothing until the overlap is resolved. Both report it.
// A Node that a delivered instance became but the selector does not pick is described label by label
// (selectorMismatch) so the resource can say exactly what differs.
import { CLUSTER_ID_LABEL, type LabelSelector, type LabelSelectorRequirement, type SandboxCapacity } from '../../api/sandbox-capacity.js';
import { countedSelector, matchesSelector } from './nodes.js';
import { Reason } from './reasons.js';

type Labels = Readonly<Record<string, string>>;

/** The cluster(s) this operator runs in, as far as it can tell. */
export type ClusterIdentity = { clusterIds: readonly string[]; source: 'flag' | 'nodes' } | { unknown: string };

/** Whether a Node with these labels counts for the resource. */
export function countsFor(capacity: SandboxCapacity, labels: Labels | undefined): boolean {
  const cluster = labels?.[CLUSTER_ID_LABEL];
  return (cluster === undefined || cluster === capacity.spec.clusterId) && matchesSelector(countedSelector(capacity.spec), labels);
}

/** --cluster-id when given; else the one cluster id the watched Nodes carry; else why it cannot be told. */
export function clusterIdentity(flag: readonly string[] | undefined, nodeClusterIds: Iterable<string | undefined>): ClusterIdentity {
  if (flag !== undefined && flag.length > 0) return { clusterIds: flag, source: 'flag' };
  const seen = new Set<string>();
  for (const id of nodeClusterIds) if (id !== undefined && id !== '') seen.add(id);
  const [only] = seen;
  if (seen.size === 1 && only !== undefined) return { clusterIds: [only], source: 'nodes' };
  const why = seen.size === 0 ? `no watched Node carries the ${CLUSTER_ID_LABEL} label` : `watched Nodes carry ${seen.size} cluster ids (${[...seen].sort().slice(0, 3).join(', ')})`;
  return { unknown: `cannot tell which ACK cluster this operator runs in: ${why}; set --cluster-id (Helm value clusterId)` };
}

/** What each label of a Node lacks for the selector, e.g. `team is "b", the selector wants "a"`. */
export function selectorMismatch(selector: LabelSelector, labels: Labels): string[] {
  const differences: string[] = [];
  for (const [key, wanted] of Object.entries(selector.matchLabels ?? {})) {
    const value = labels[key];
    if (value !== wanted) differences.push(value === undefined ? `${key} is missing, the selector wants "${wanted}"` : `${key} is "${value}", the selector wants "${wanted}"`);
  }
  for (const requirement of selector.matchExpressions ?? []) {
    if (!matchesSelector({ matchExpressions: [requirement] }, labels)) differences.push(describeUnmet(requirement, labels[requirement.key]));
  }
  return differences;
}

function describeUnmet(requirement: LabelSelectorRequirement, value: string | undefined): string {
  const has = value === undefined ? 'is missing' : `is "${value}"`;
  const values = (requirement.values ?? []).join(', ');
  switch (requirement.operator) {
    case 'In':
      return `${requirement.key} ${has}, the selector wants one of ${values}`;
    case 'NotIn':
      return `${requirement.key} ${has}, the selector excludes ${values}`;
    case 'Exists':
      return `${requirement.key} is missing, the selector wants it present`;
    case 'DoesNotExist':
      return `${requirement.key} ${has}, the selector wants it absent`;
  }
}

/** What one selector demands of one label key. */
interface KeyDemand {
  present?: boolean;
  /** Values allowed, when restricted (matchLabels, In). */
  allowed?: Set<string>;
  excluded: Set<string>;
}

function demands(selector: LabelSelector): Map<string, KeyDemand> {
  const byKey = new Map<string, KeyDemand>();
  const demand = (key: string): KeyDemand => {
    let d = byKey.get(key);
    if (!d) byKey.set(key, (d = { excluded: new Set() }));
    return d;
  };
  const restrict = (d: KeyDemand, values: readonly string[]): void => {
    d.present = true;
    d.allowed = new Set(values.filter((v) => d.allowed === undefined || d.allowed.has(v)));
  };
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) restrict(demand(key), [value]);
  for (const r of selector.matchExpressions ?? []) {
    const d = demand(r.key);
    if (r.operator === 'In') restrict(d, r.values ?? []);
    else if (r.operator === 'NotIn') for (const v of r.values ?? []) d.excluded.add(v);
    else d.present = d.present === false ? d.present : r.operator === 'Exists';
  }
  return byKey;
}

/** False only when no label set can satisfy both selectors (so "cannot tell" counts as overlapping). */
export function selectorsMayOverlap(a: LabelSelector, b: LabelSelector): boolean {
  const db = demands(b);
  for (const [key, x] of demands(a)) {
    const y = db.get(key);
    if (y !== undefined && demandsConflict(x, y)) return false;
  }
  return true;
}

/** No value of one label can satisfy both demands. */
function demandsConflict(x: KeyDemand, y: KeyDemand): boolean {
  if (x.present !== undefined && y.present !== undefined && x.present !== y.present) return true;
  if (x.allowed === undefined && y.allowed === undefined) return false;
  const allowed = x.allowed && y.allowed ? [...x.allowed].filter((v) => y.allowed?.has(v)) : [...(x.allowed ?? y.allowed ?? [])];
  return allowed.every((v) => x.excluded.has(v) || y.excluded.has(v));
}

function created(capacity: SandboxCapacity): string {
  return `${capacity.metadata.creationTimestamp ?? ''}\u0000${capacity.metadata.namespace}/${capacity.metadata.name}`;
}

export interface Overlaps {
  /** Older resources this one overlaps with: while there is one, this resource buys nothing. */
  older: string[];
  /** Newer resources that overlap with this one (they defer to it). */
  newer: string[];
}

/** The other resources of the same cluster whose selectors may pick the same Nodes as this one's. */
export function overlapsOf(capacity: SandboxCapacity, all: readonly SandboxCapacity[]): Overlaps {
  const mine = created(capacity);
  const result: Overlaps = { older: [], newer: [] };
  for (const other of all) {
    const theirs = created(other);
    if (theirs === mine || other.spec.clusterId !== capacity.spec.clusterId) continue;
    if (!selectorsMayOverlap(countedSelector(capacity.spec), countedSelector(other.spec))) continue;
    (theirs < mine ? result.older : result.newer).push(`${other.metadata.namespace}/${other.metadata.name}`);
  }
  result.older.sort();
  result.newer.sort();
  return result;
}

/** The cluster guard: undefined when this resource's cluster is the operator's (or the identity was not checked). */
export function clusterProblem(capacity: SandboxCapacity, identity: ClusterIdentity | undefined): { reason: typeof Reason.ClusterMismatch | typeof Reason.ClusterUnknown; message: string } | undefined {
  if (identity === undefined) return undefined;
  if ('unknown' in identity) return { reason: Reason.ClusterUnknown, message: `${identity.unknown}; nothing is requested` };
  if (identity.clusterIds.includes(capacity.spec.clusterId)) return undefined;
  const source = identity.source === 'flag' ? '--cluster-id' : `the ${CLUSTER_ID_LABEL} label of the watched Nodes`;
  return {
    reason: Reason.ClusterMismatch,
    message: `spec.clusterId ${capacity.spec.clusterId} is not the cluster this operator runs in (${identity.clusterIds.join(', ')}, from ${source}): nodes bought there would never join here, so nothing is requested`,
  };
}

/** The overlap guard for a newer resource: undefined when no older resource may select the same Nodes. */
export function overlapProblem(capacity: SandboxCapacity, overlaps: Overlaps | undefined): { message: string } | undefined {
  if (overlaps === undefined || overlaps.older.length === 0) return undefined;
  return {
    message: `${overlaps.older.join(', ')} (created earlier, same cluster ${capacity.spec.clusterId}) may select the same Nodes: it keeps counting them, and this resource requests nothing until the nodeSelectors are disjoint`,
  };
}
