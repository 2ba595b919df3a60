// Which surplus Node may be removed, and in what order — pure, over the pods the shell listed for the
// counted Nodes (by spec.nodeName) and the PodDisruptionBudgets of their namespaces.
//   order:    NotReady first, then Nodes that run only DaemonSet and mirror pods, then the fewest pods
//             (ties by name, so the choice is the same on every replica and after a restart);
//   blockers: a pod marked cluster-autoscaler.kubernetes.io/safe-to-evict: "false" or
//             karpenter.sh/do-not-disrupt: "true", a pod without a controller (nothing would bring it
//             back), a pod whose budget allows no disruption now — each named with its pod (and budget).
// DaemonSet and mirror pods are never evicted (they go with the Node, as kubectl drain
// --ignore-daemonsets does); finished pods and pods already being deleted are leaving anyway.
import type { LabelSelector } from '../../api/sandbox-capacity.js';
import { matchesSelector } from './nodes.js';
import type { ObservedNode } from './types.js';

export const SAFE_TO_EVICT_ANNOTATION = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
export const DO_NOT_DISRUPT_ANNOTATION = 'karpenter.sh/do-not-disrupt';

/** What scale-in reads of a pod (the shell's trim of a V1Pod). */
export interface PodView {
  namespace: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** Kind of the ownerReference with controller: true; undefined: no controller. */
  controllerKind?: string;
  /** A static pod's mirror (annotation kubernetes.io/config.mirror). */
  mirror: boolean;
  /** phase Succeeded or Failed. */
  finished: boolean;
  /** metadata.deletionTimestamp is set. */
  deleting: boolean;
}

/** A PodDisruptionBudget as scale-in reads it. */
export interface BudgetView {
  namespace: string;
  name: string;
  /** Absent: selects no pod (policy/v1). */
  selector?: LabelSelector;
  /** status.disruptionsAllowed as the disruption controller computed it. */
  disruptionsAllowed: number;
}

/** The pods of the Nodes the shell looked at, and the budgets of their namespaces. */
export interface PodSnapshot {
  /** Node name → its pods. A Node missing here was not looked at. */
  pods: ReadonlyMap<string, readonly PodView[]>;
  budgets: readonly BudgetView[];
  /** Listing failed (e.g. 403: the chart grants pod list with rbac.scaleIn): nothing is started. */
  error?: string;
}

export interface Blocker {
  node: string;
  pod: string;
  budget?: string;
  message: string;
}

export interface Candidate {
  node: ObservedNode & { instanceId: string };
  /** Pods to evict (neither DaemonSet nor mirror, not finished). */
  workload: PodView[];
}

/** The pods a drain must see gone: neither DaemonSet nor mirror pods, not finished. */
export function workloadPods(pods: readonly PodView[]): PodView[] {
  return pods.filter((pod) => !pod.mirror && pod.controllerKind !== 'DaemonSet' && !pod.finished);
}

export function podName(pod: Pick<PodView, 'namespace' | 'name'>): string {
  return `${pod.namespace}/${pod.name}`;
}

function budgetsOf(pod: PodView, budgets: readonly BudgetView[]): BudgetView[] {
  return budgets.filter((b) => b.namespace === pod.namespace && b.selector !== undefined && matchesSelector(b.selector, pod.labels));
}

/** Why this pod may not be evicted now (budgets: allowed disruptions left, by namespace/name), or undefined. */
export function podBlocker(pod: PodView, budgets: readonly BudgetView[], allowed: ReadonlyMap<string, number>): Omit<Blocker, 'node'> | undefined {
  const pod_ = podName(pod);
  if (pod.annotations[SAFE_TO_EVICT_ANNOTATION] === 'false') return { pod: pod_, message: `pod ${pod_} is annotated ${SAFE_TO_EVICT_ANNOTATION}: "false"` };
  if (pod.annotations[DO_NOT_DISRUPT_ANNOTATION] === 'true') return { pod: pod_, message: `pod ${pod_} is annotated ${DO_NOT_DISRUPT_ANNOTATION}: "true"` };
  if (pod.controllerKind === undefined) return { pod: pod_, message: `pod ${pod_} has no controller: evicted, nothing would bring it back` };
  for (const budget of budgetsOf(pod, budgets)) {
    const name = `${budget.namespace}/${budget.name}`;
    if ((allowed.get(name) ?? budget.disruptionsAllowed) <= 0) {
      return { pod: pod_, budget: name, message: `pod ${pod_} is protected by PodDisruptionBudget ${name}, which allows no disruption now` };
    }
  }
  return undefined;
}

function rank(node: ObservedNode, workload: number): [number, number, string] {
  if (!node.ready) return [0, workload, node.name];
  return [workload === 0 ? 1 : 2, workload, node.name];
}

function compareRanks(a: [number, number, string], b: [number, number, string]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]);
}

/** Counted Nodes that could be removed (instance known, pods looked at), best first. */
export function orderCandidates(nodes: readonly ObservedNode[], snapshot: PodSnapshot, exclude: ReadonlySet<string>): Candidate[] {
  const candidates: Candidate[] = [];
  for (const node of nodes) {
    const pods = snapshot.pods.get(node.name);
    if (node.deleting || node.instanceId === undefined || pods === undefined || exclude.has(node.name)) continue;
    candidates.push({ node: { ...node, instanceId: node.instanceId }, workload: workloadPods(pods).filter((pod) => !pod.deleting) });
  }
  return candidates.sort((a, b) => compareRanks(rank(a.node, a.workload.length), rank(b.node, b.workload.length)));
}

export interface Selection {
  chosen: Candidate[];
  /** Why the others were passed over, best candidate first. */
  blockers: Blocker[];
}

/**
 * Up to `count` candidates none of whose pods is protected, in order. A budget's allowed disruptions
 * are spent by the pods of the Nodes already chosen, so one step never plans more evictions than a
 * budget allows.
 */
export function selectRemovals(candidates: readonly Candidate[], budgets: readonly BudgetView[], count: number): Selection {
  let allowed = new Map(budgets.map((b) => [`${b.namespace}/${b.name}`, b.disruptionsAllowed]));
  const selection: Selection = { chosen: [], blockers: [] };
  for (const candidate of candidates) {
    if (selection.chosen.length >= count) break;
    const tried = tryEvictions(candidate.workload, budgets, allowed);
    if ('pod' in tried) {
      selection.blockers.push({ node: candidate.node.name, ...tried });
      continue;
    }
    allowed = tried;
    selection.chosen.push(candidate);
  }
  return selection;
}

/** The budgets' allowed disruptions after evicting every one of `pods`, or the first pod that may not go. */
function tryEvictions(pods: readonly PodView[], budgets: readonly BudgetView[], allowed: ReadonlyMap<string, number>): Map<string, number> | Omit<Blocker, 'node'> {
  const left = new Map(allowed);
  for (const pod of pods) {
    const blocker = podBlocker(pod, budgets, left);
    if (blocker !== undefined) return blocker;
    for (const budget of budgetsOf(pod, budgets)) {
      const name = `${budget.namespace}/${budget.name}`;
      left.set(name, (left.get(name) ?? budget.disruptionsAllowed) - 1);
    }
  }
  return left;
}
