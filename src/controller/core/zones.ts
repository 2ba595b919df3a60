// Multi-AZ balancing: which vSwitch the next request targets.
//
// Counting rule: a vSwitch's load = live nodes attributed to it + in-flight nodes of tasks sent to it.
// Attribution of a live (not deleting) node:
//   1. its instance id is in the instanceIds of a task sent to exactly one configured vSwitch → that vSwitch;
//   2. otherwise its zone label, through the vSwitch → zone map learned from nodes attributed by rule 1
//      (plus pairs learned earlier and passed back in); when two vSwitches share a zone, the first in spec
//      order gets the node;
//   3. otherwise it does not count for balance (it still counts in status.replicas).
// The shortfall is water-filled: each new node goes to the vSwitch with the lowest load, ties by spec order;
// the request targets the vSwitch with the largest allocation (ties: the lower current load, then spec order),
// capped by maxNodesPerScaleOut and the in-flight headroom; the next request continues the filling.
//
// Stock-outs: a request (or task) that failed for lack of capacity marks its vSwitch out of stock until
// failure time + spec.backoff.max (status.outOfStock, so a restart remembers it). Water-filling runs over
// the vSwitches in stock only, so the next request goes to another listed zone; when none is in stock the
// resource waits for the earliest one to come back (reason OutOfStock, naming the zones).
import type { OutOfStockVSwitch, TaskRecord } from '../../api/sandbox-capacity.js';
import { parseTimestamp, toTimestampCeil } from './time.js';
import type { ObservedNode } from './types.js';

/** vSwitch of a record when it targeted exactly one of the configured vSwitches. */
function singleVSwitch(record: TaskRecord, configured: readonly string[]): string | undefined {
  const ids = record.vswitchIds ?? [];
  const [only] = ids;
  return ids.length === 1 && only !== undefined && configured.includes(only) ? only : undefined;
}

function instanceOwners(tasks: readonly TaskRecord[], configured: readonly string[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const record of tasks) {
    const vswitch = singleVSwitch(record, configured);
    if (vswitch === undefined) continue;
    for (const id of record.instanceIds ?? []) owners.set(id, vswitch);
  }
  return owners;
}

/** vSwitch → zone pairs proven by nodes whose instance belongs to a task sent to that vSwitch (majority wins). */
export function learnVSwitchZones(
  tasks: readonly TaskRecord[],
  nodes: readonly ObservedNode[],
  configured: readonly string[],
  known: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const owners = instanceOwners(tasks, configured);
  const votes = new Map<string, Map<string, number>>();
  for (const node of nodes) {
    const vswitch = node.instanceId === undefined ? undefined : owners.get(node.instanceId);
    if (vswitch === undefined || node.zone === undefined) continue;
    const tally = votes.get(vswitch) ?? new Map<string, number>();
    tally.set(node.zone, (tally.get(node.zone) ?? 0) + 1);
    votes.set(vswitch, tally);
  }
  const learned: Record<string, string> = {};
  for (const vswitch of configured) {
    const winner = majority(votes.get(vswitch));
    const zone = winner ?? known[vswitch];
    if (zone !== undefined) learned[vswitch] = zone;
  }
  return learned;
}

function majority(tally: Map<string, number> | undefined): string | undefined {
  if (tally === undefined) return undefined;
  const ranked = [...tally.entries()].sort(([zoneA, a], [zoneB, b]) => b - a || (zoneA < zoneB ? -1 : 1));
  return ranked[0]?.[0];
}

/** Load per configured vSwitch (see the counting rule above). `inFlightOf` gives each record's in-flight nodes. */
export function vswitchLoads(
  configured: readonly string[],
  tasks: readonly TaskRecord[],
  nodes: readonly ObservedNode[],
  zones: Readonly<Record<string, string>>,
  inFlightOf: (record: TaskRecord) => number,
): number[] {
  const loads = new Map<string, number>(configured.map((id) => [id, 0]));
  const add = (vswitch: string | undefined, amount: number): void => {
    if (vswitch !== undefined) loads.set(vswitch, (loads.get(vswitch) ?? 0) + amount);
  };
  const attribute = nodeAttribution(configured, tasks, zones);
  for (const node of nodes) if (!node.deleting) add(attribute(node), 1);
  for (const record of tasks) add(singleVSwitch(record, configured), inFlightOf(record));
  return configured.map((id) => loads.get(id) ?? 0);
}

/** vSwitch a live node counts for: by instance id, else by zone through the learned map, else none. */
function nodeAttribution(
  configured: readonly string[],
  tasks: readonly TaskRecord[],
  zones: Readonly<Record<string, string>>,
): (node: ObservedNode) => string | undefined {
  const owners = instanceOwners(tasks, configured);
  const vswitchOfZone = new Map<string, string>();
  for (const vswitch of configured) {
    const zone = zones[vswitch];
    if (zone !== undefined && !vswitchOfZone.has(zone)) vswitchOfZone.set(zone, vswitch);
  }
  return (node) => {
    const byInstance = node.instanceId === undefined ? undefined : owners.get(node.instanceId);
    return byInstance ?? (node.zone === undefined ? undefined : vswitchOfZone.get(node.zone));
  };
}

/** Water-filling: `amount` new nodes, each to the currently lowest load (ties: lowest index). */
export function waterFill(loads: readonly number[], amount: number): number[] {
  const current = [...loads];
  const allocation = loads.map(() => 0);
  for (let n = 0; n < amount; n += 1) {
    let lowest = 0;
    for (let i = 1; i < current.length; i += 1) if ((current[i] ?? 0) < (current[lowest] ?? 0)) lowest = i;
    current[lowest] = (current[lowest] ?? 0) + 1;
    allocation[lowest] = (allocation[lowest] ?? 0) + 1;
  }
  return allocation;
}

export interface Target {
  vswitchId: string;
  /** Nodes the water-filling gives this vSwitch (before the per-request and in-flight caps). */
  allocation: number;
}

/** The vSwitch the next request goes to, and how many of the shortfall water-filling gives it. */
export function chooseTarget(configured: readonly string[], loads: readonly number[], shortfall: number): Target | undefined {
  if (configured.length === 0 || shortfall <= 0) return undefined;
  const allocation = waterFill(loads, shortfall);
  const best = preferredIndex(allocation, loads);
  const vswitchId = configured[best];
  return vswitchId === undefined ? undefined : { vswitchId, allocation: allocation[best] ?? 0 };
}

/** Largest allocation; ties go to the lower current load, then to the earlier index. */
function preferredIndex(allocation: readonly number[], loads: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < allocation.length; i += 1) {
    const more = (allocation[i] ?? 0) - (allocation[best] ?? 0);
    if (more > 0 || (more === 0 && (loads[i] ?? 0) < (loads[best] ?? 0))) best = i;
  }
  return best;
}

/** Marks still in force at nowMs. */
export function currentStockOuts(marks: readonly OutOfStockVSwitch[] | undefined, nowMs: number): OutOfStockVSwitch[] {
  return (marks ?? []).filter((mark) => (parseTimestamp(mark.until) ?? 0) > nowMs);
}

/** The configured vSwitches not out of stock at nowMs, in spec order. */
export function inStock(configured: readonly string[], marks: readonly OutOfStockVSwitch[] | undefined, nowMs: number): string[] {
  const out = new Set(currentStockOuts(marks, nowMs).map((mark) => mark.vswitchId));
  return configured.filter((id) => !out.has(id));
}

/** The marks with `vswitchId` marked out of stock until `untilMs` (replacing its older mark), expired ones dropped. */
export function markOutOfStock(
  marks: readonly OutOfStockVSwitch[] | undefined,
  mark: { vswitchId: string; zone?: string; code: string },
  nowMs: number,
  untilMs: number,
): OutOfStockVSwitch[] {
  const others = currentStockOuts(marks, nowMs).filter((m) => m.vswitchId !== mark.vswitchId);
  return [...others, { ...mark, until: toTimestampCeil(untilMs) }];
}

/** "vsw-a (cn-hangzhou-h, OperationDenied.NoStock, until 2026-…)" for every mark. */
export function describeStockOuts(marks: readonly OutOfStockVSwitch[]): string {
  return marks.map((m) => `${m.vswitchId} (${m.zone === undefined ? '' : `${m.zone}, `}${m.code}, until ${m.until})`).join(', ');
}
