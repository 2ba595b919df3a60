// The failure modes the simulator can inject, grouped by when they act:
// - request faults replace (or delay, or lose) the HTTP answer of one call;
// - task faults change how a ScaleOutCluster task ends;
// - node faults change how a finished task's instances join Kubernetes;
// - stock faults (no-stock) make ECS refuse instances in a zone, a vSwitch or a node pool.

export const REQUEST_FAULT_KINDS = [
  'throttle',
  'unavailable',
  'error',
  'non-json',
  'quota',
  'slow',
  'lost-response',
] as const;
export const TASK_FAULT_KINDS = ['task-fail', 'task-stuck'] as const;
export const NODE_FAULT_KINDS = ['node-not-ready', 'node-never-joins', 'node-disappears', 'node-mislabelled'] as const;
export const STOCK_FAULT_KINDS = ['no-stock'] as const;
export const FAULT_KINDS = [...REQUEST_FAULT_KINDS, ...TASK_FAULT_KINDS, ...NODE_FAULT_KINDS, ...STOCK_FAULT_KINDS] as const;

export type RequestFaultKind = (typeof REQUEST_FAULT_KINDS)[number];
export type TaskFaultKind = (typeof TASK_FAULT_KINDS)[number];
export type NodeFaultKind = (typeof NODE_FAULT_KINDS)[number];
export type StockFaultKind = (typeof STOCK_FAULT_KINDS)[number];
export type FaultKind = (typeof FAULT_KINDS)[number];

export type LostResponseMode = 'error' | 'timeout' | 'reset';

/** What a caller asks for; everything but `kind` is optional. */
export interface FaultRuleInput {
  kind: FaultKind;
  /** Only calls of this ACK action (e.g. "ScaleOutCluster"); default: every action the kind applies to. */
  action?: string;
  /** Chance that a matching call triggers the rule (default 1). */
  probability?: number;
  /** Trigger at most this many times, then retire (a "next N calls" rule when probability is 1). */
  times?: number;
  /** Wait this long before answering (any kind); `slow` answers normally after it. */
  delayMs?: number;
  /** `error`, `non-json`, `lost-response` (mode error): HTTP status of the answer. */
  status?: number;
  /** `error`, `task-fail`: the error code reported. */
  code?: string;
  /** `error`, `task-fail`: the error message reported. */
  message?: string;
  /** `throttle`: value of the x-acs-retry-after header, in milliseconds (the SDK sleeps that long). */
  retryAfterMs?: number;
  /** `lost-response`: 5xx answer (error), no answer until the socket is dropped after delayMs (timeout), or reset. */
  mode?: LostResponseMode;
  /** `task-fail`: share of the task's nodes that fail (default 1 = the whole task). */
  failFraction?: number;
  /** Node faults: share of the task's successful nodes affected (default 1 = all). */
  fraction?: number;
  /** `node-mislabelled`: labels those Nodes register with instead (default: the containerd runtime label). */
  labels?: Record<string, string>;
  /** `node-disappears`: time after joining at which the node is deleted. */
  afterMs?: number;
  /** `no-stock`: only instances placed in this zone are refused. */
  zone?: string;
  /** `no-stock`: only instances placed in this vSwitch are refused. */
  vswitchId?: string;
  /** `no-stock` and node faults: only this node pool's instances (not ScaleOutCluster). */
  nodepoolId?: string;
}

export interface FaultRule extends FaultRuleInput {
  readonly id: string;
  /** How many times the rule has triggered. */
  fired: number;
}

export interface FaultDecision {
  request?: FaultRule;
  task?: FaultRule;
  node?: FaultRule;
}

export const SCALE_OUT_ACTION = 'ScaleOutCluster';

/**
 * Kinds that only make sense for ScaleOutCluster default to that action. Node and stock faults
 * have no default: without an action they act on every instance created, by ScaleOutCluster or by
 * a node pool; `action: ScaleOutCluster` keeps them off node pools.
 */
export function defaultActionOf(kind: FaultKind): string | undefined {
  const scaleOutOnly: readonly FaultKind[] = ['quota', ...TASK_FAULT_KINDS];
  return scaleOutOnly.includes(kind) ? SCALE_OUT_ACTION : undefined;
}

export type FaultCategory = keyof FaultDecision | 'stock';

export function categoryOf(kind: FaultKind): FaultCategory {
  if ((TASK_FAULT_KINDS as readonly string[]).includes(kind)) {
    return 'task';
  }
  if ((STOCK_FAULT_KINDS as readonly string[]).includes(kind)) {
    return 'stock';
  }
  return (NODE_FAULT_KINDS as readonly string[]).includes(kind) ? 'node' : 'request';
}
