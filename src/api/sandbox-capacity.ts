// TypeScript shape of the SandboxCapacity custom resource (capacity.sandbox.dev/v1alpha1).
// The CRD in crds/sandboxcapacities.capacity.sandbox.dev.yaml is the source of truth for the wire
// format; test/unit/api/types-match-crd.test.ts proves these types agree with it field by field.
// Fields the API server defaults are typed as present on objects read back from the server.

export const GROUP = 'capacity.sandbox.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'SandboxCapacity';
export const PLURAL = 'sandboxcapacities';
export const SHORT_NAME = 'sbc';

/** The label ACK puts on sandboxed-container (runV) worker nodes (ack-api.md §9). */
export const SANDBOX_RUNTIME_LABEL = 'alibabacloud.com/container-runtime';
export const SANDBOX_RUNTIME_VALUE = 'Sandboxed-Container.runv';

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface SecretKeyRef {
  name: string;
  key: string;
}

export interface DiskSpec {
  category: string;
  size: number;
}

export interface NodeTag {
  key: string;
  value: string;
}

export type InstanceChargeType = 'PostPaid' | 'PrePaid';

export interface ScaleOutTemplate {
  vswitchIds: string[];
  instanceTypes: string[];
  keyPair?: string;
  loginPasswordSecretRef?: SecretKeyRef;
  dataDisk: DiskSpec;
  systemDisk: DiskSpec;
  instanceChargeType: InstanceChargeType;
  tags?: NodeTag[];
  disableRollback: boolean;
}

/** Enforce: a desired size lowered below the target by someone else is written back. Observe: reported and left. */
export type DriftPolicy = 'Enforce' | 'Observe';

/** The ACK node pool whose Expected Nodes (scaling_group.desired_size) the controller sets (node-pool mode). */
export interface NodePoolSpec {
  /** The pool's id, np… as shown in the ACK console. */
  id: string;
  driftPolicy: DriftPolicy;
}

/** The label ACK puts on every Node of a node pool: the pool's id. */
export const NODE_POOL_LABEL = 'alibabacloud.com/nodepool-id';

export interface CredentialsSpec {
  /** Secret in the resource's namespace with keys accessKeyId and accessKeySecret. */
  secretRef?: { name: string };
}

export interface LimitsSpec {
  maxNodesPerScaleOut: number;
  maxInFlightNodes: number;
  /** Go-style duration ("30m", "1h30m"). */
  taskTimeout: string;
  /** How long the instances of a finished task may take to appear as Nodes; afterwards they are unjoined (they keep their place). */
  joinGracePeriod: string;
  /** How many unjoined instances may be replaced (written off and bought again); 0: none, the resource stalls instead. */
  maxUnjoinedNodes: number;
}

export interface BackoffSpec {
  initial: string;
  max: string;
}

/** Opt-in removal of surplus Nodes: drained through the Eviction API, then removed and released in ACK. */
export interface ScaleInSpec {
  enabled: boolean;
  /** Go duration: how long a surplus must last before a Node is removed. */
  cooldown: string;
  /** Most Nodes drained and removed together. */
  maxNodesPerStep: number;
  /** Go duration: how long a cordoned Node's pods may take to leave; past it the Node is uncordoned and kept. */
  drainTimeout: string;
}

export interface SandboxCapacitySpec {
  clusterId: string;
  regionId: string;
  replicas: number;
  nodeSelector: LabelSelector;
  /** Node label whose value names a node's zone; used to keep multi-AZ scale-outs balanced. */
  zoneLabel: string;
  /** ScaleOutCluster mode (legacy): the template of the requests. Exactly one of scaleOut and nodePool. */
  scaleOut?: ScaleOutTemplate;
  /** Node-pool mode (ACK's supported path): the pool to size. Exactly one of scaleOut and nodePool. */
  nodePool?: NodePoolSpec;
  credentials?: CredentialsSpec;
  limits: LimitsSpec;
  backoff: BackoffSpec;
  paused: boolean;
  /** Defaulted by the server; objects written before the field existed may lack it (read it with scaleInSpecOf). */
  scaleIn: ScaleInSpec;
}

export const SCALE_IN_DEFAULTS: Readonly<ScaleInSpec> = { enabled: false, cooldown: '10m', maxNodesPerStep: 1, drainTimeout: '10m' };

/** spec.scaleIn, or the defaults for an object the server has not defaulted (written before the field existed). */
export function scaleInSpecOf(spec: SandboxCapacitySpec): ScaleInSpec {
  const defaulted: Partial<SandboxCapacitySpec> = spec;
  return defaulted.scaleIn ?? SCALE_IN_DEFAULTS;
}

/**
 * Lifecycle of one ScaleOutCluster request as the controller records it.
 * Requesting: intent written, outcome of the cloud call not yet known (never retried blindly).
 * Running: ACK accepted it (taskId known). Succeeded / Failed: ACK's terminal verdict on the task
 * (Failed: some or all of its nodes failed). TimedOut: still running at limits.taskTimeout.
 * Refused: ACK refused the call itself (no task, nothing created). Abandoned: the intent never
 * reached ACK (no matching task found in the cluster's task list after the recovery window).
 */
export type TaskState = 'Requesting' | 'Running' | 'Succeeded' | 'Failed' | 'TimedOut' | 'Refused' | 'Abandoned';

/**
 * Spellings v0.1 wrote (mixed casing) and what they mean now. Statuses written by v0.1 are read
 * through these; the CRD accepts both so an old replica's write is not refused mid-upgrade.
 */
export const LEGACY_TASK_STATES: Readonly<Record<string, TaskState>> = {
  running: 'Running',
  success: 'Succeeded',
  failed: 'Failed',
  timedOut: 'TimedOut',
  abandoned: 'Abandoned',
};

/** Node tag carried by every ScaleOutCluster request: the intent id, so recovery can recognise the task. */
export const INTENT_TAG_KEY = 'capacity.sandbox.dev/intent';
/** Node tag carried by every request: which resource asked (namespace.name), so a re-created resource finds its tasks. */
export const OWNER_TAG_KEY = 'capacity.sandbox.dev/owner';
/** The label ACK puts on every Node of a cluster: the cluster id. */
export const CLUSTER_ID_LABEL = 'ack.aliyun.com';
/** Held on a resource while requests it made may still deliver nodes (removed once they ended). */
export const LEDGER_FINALIZER = 'capacity.sandbox.dev/in-flight-requests';
/** Annotation with any new value (a timestamp, like reconcile.fluxcd.io/requestedAt): retry now, lifting a stall or a backoff. */
export const RETRY_ANNOTATION = 'capacity.sandbox.dev/retry-requested-at';
/** Annotation "true": let the resource be deleted although requests are still in flight (a human abandons them). */
export const ABANDON_ANNOTATION = 'capacity.sandbox.dev/abandon-in-flight';

export interface TaskRecord {
  /** Unique marker of the intent, written before the cloud call. */
  intentId: string;
  taskId?: string;
  requestId?: string;
  count: number;
  /** vSwitches this request was sent with (the zone it targets when several are configured). */
  vswitchIds?: string[];
  state: TaskState;
  /** When the intent was written (RFC 3339). */
  startTime: string;
  completionTime?: string;
  /** Instance ids ACK reported as successfully created (task_result), used to match joining Nodes. */
  instanceIds?: string[];
  /** Of instanceIds, those already seen as Nodes (a deleted node must not count as joining again). */
  joinedInstanceIds?: string[];
  /** Of instanceIds, those ACK no longer lists in the cluster (released): they stop counting. */
  releasedInstanceIds?: string[];
  failedCount?: number;
  message?: string;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** What the controller decided last time, also for paused and dry-run resources. */
export interface LastDecision {
  action: 'NoOp' | 'ScaleOut' | 'Wait' | 'Blocked';
  reason: string;
  message: string;
  /** Nodes it requested, or would have requested when paused or in dry-run. */
  count?: number;
}

/** An instance a finished request delivered that has not become a matching Node within limits.joinGracePeriod. */
export interface UnjoinedInstance {
  /** ECS instance id; empty when ACK reported a node created without naming its instance. */
  instanceId: string;
  /** Task (or intent) that delivered it. */
  task: string;
  /** The Kubernetes Node ACK maps the instance to, when there is one. */
  nodeName?: string;
  /** Why it does not count as a Node: NodeSelectorMismatch (a Node that spec.nodeSelector does not select) or NodesNotRegistered. */
  reason: string;
  message: string;
}

/** A vSwitch that answered a request with a capacity failure (out of stock): skipped until `until`. */
export interface OutOfStockVSwitch {
  vswitchId: string;
  zone?: string;
  until: string;
  /** ACK's code, e.g. OperationDenied.NoStock. */
  code: string;
}

/** The controller's own write of a pool's desired size, recorded before the call (ModifyClusterNodePool). */
export interface NodePoolWriteRecord {
  /** The absolute desired size written. */
  desiredSize: number;
  /** Set once ACK accepted the write; absent while its outcome is unknown. */
  taskId?: string;
  requestId?: string;
  /** When the write was decided (RFC 3339), before the call. */
  time: string;
}

/** A desired size someone else wrote (console, Terraform, another controller). */
export interface NodePoolDrift {
  from: number;
  to: number;
  time: string;
  /** metadata.generation when it was seen: under Observe a later spec change lets the controller write again. */
  observedGeneration: number;
}

/** The pool as last read (DescribeClusterNodePoolDetail), and the controller's writes to it. */
export interface NodePoolStatus {
  /** The pool this view is of (spec.nodePool.id when it was read): a view of another pool is ignored. */
  nodepoolId: string;
  desiredSize: number;
  /** ACK's status.state: active, scaling, removing, … */
  state: string;
  totalNodes: number;
  healthyNodes: number;
  initialNodes: number;
  failedNodes: number;
  /** When the pool was last read (RFC 3339). */
  observedTime: string;
  lastWrite?: NodePoolWriteRecord;
  drift?: NodePoolDrift;
  /** Why the pool cannot be sized (NodePoolNotFound, ClusterNotFound, NodePoolNotEligible): nothing is written. */
  problem?: { reason: string; message: string };
  /** The error of the last write's task (e.g. OperationDenied.NoStock), when it failed. */
  taskError?: { code: string; message: string };
  /** When live Ready Nodes first fell short of the written target (ScaleUpStalled past limits.taskTimeout). */
  shortSince?: string;
}

/** Draining: cordoned, pods being evicted. Removing: drained, ACK asked (or about to be asked) to remove the instance. */
export type ScaleInPhase = 'Draining' | 'Removing';

/** One Node being removed, recorded before it is cordoned. */
export interface NodeRemoval {
  nodeName: string;
  instanceId: string;
  phase: ScaleInPhase;
  /** When the removal was decided (RFC 3339), before the cordon. */
  startTime: string;
  /** When the Node was drained and the removal call decided, before the call. */
  removeTime?: string;
  /** ACK's task of the accepted removal call; absent while its outcome is unknown. */
  taskId?: string;
}

export interface ScaleInStatus {
  /** When the current surplus was first seen. */
  surplusSince?: string;
  removals?: NodeRemoval[];
}

export interface SandboxCapacityStatus {
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  inFlightReplicas?: number;
  selector?: string;
  tasks?: TaskRecord[];
  lastScaleOutTime?: string;
  consecutiveFailures?: number;
  nextRetryTime?: string | null;
  /** vSwitch → zone pairs learned from joined Nodes (multi-AZ balancing). */
  vswitchZones?: Record<string, string>;
  /** Instances delivered but not joined after the grace period, with what was found about each. */
  unjoined?: UnjoinedInstance[];
  /** vSwitches out of stock, skipped by the next requests until their time. */
  outOfStock?: OutOfStockVSwitch[];
  /** Other resources (namespace/name) whose selectors may pick the same Nodes in the same cluster. */
  overlapping?: string[];
  /** When ACK's task list was last read for tasks carrying this resource's identity; absent: never (nothing is requested before). */
  ledgerCheckedAt?: string;
  /** The value of the retry annotation last acted on. */
  lastRetryRequest?: string;
  /** resourceVersion of the credentials Secret when last read: a change lifts an AuthenticationFailed / PermissionDenied stall. */
  credentialsVersion?: string;
  /** Node-pool mode: the pool as last read and the controller's writes to it. */
  nodePool?: NodePoolStatus;
  /** Scale-in: since when the surplus has lasted, and the removal in progress. */
  scaleIn?: ScaleInStatus;
  lastDecision?: LastDecision;
  conditions?: Condition[];
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface SandboxCapacity {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: ObjectMeta;
  spec: SandboxCapacitySpec;
  status?: SandboxCapacityStatus;
}
