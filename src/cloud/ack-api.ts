// The port: what the controller needs from ACK, in the controller's own words, and the vocabulary
// of its failures. The SDK adapter (sdk-ack-api.ts) implements it against the real CS OpenAPI or
// the simulator and rejects every call with an AckCallError carrying a classified CloudErrorInfo
// (sdk-errors.ts), so nothing above this port ever looks at an SDK error's shape.

/** ScaleOutCluster request body in ACK's wire keys (snake_case), as the seed document shows it. */
export type ScaleOutBody = Record<string, unknown>;

export interface ScaleOutAccepted {
  taskId: string;
  requestId: string;
}

export interface TaskInstanceResult {
  /** For a scale-out, the ECS instance id. */
  instanceId: string;
  status: string;
}

export interface AckTaskInfo {
  taskId: string;
  state: string;
  taskType?: string;
  created?: string;
  results: TaskInstanceResult[];
  /** The task's error, with its code classified like a call's (capacity: out of stock). */
  error?: { code: string; message: string; kind: CloudErrorKind };
  parameters?: Record<string, unknown>;
}

/** One node of DescribeClusterNodes: an instance ACK counts in the cluster. */
export interface AckClusterNode {
  instanceId: string;
  /** The Kubernetes Node name ACK maps it to; '' when none. */
  nodeName: string;
  /** ACK's node state (initial, running, removing, failed, …). */
  state: string;
  nodepoolId: string;
}

export interface ClusterNodesQuery {
  instanceIds?: readonly string[];
  nodepoolId?: string;
  pageNumber: number;
  /** 1–100. */
  pageSize: number;
}

export interface AckClusterTask {
  taskId: string;
  taskType: string;
  state: string;
  created: string;
}

/** A node pool as the controller reads it (DescribeClusterNodePoolDetail), in the controller's words. */
export interface AckNodePool {
  nodepoolId: string;
  /** ess, edge, lingjun. */
  type: string;
  /** status.state: active, scaling, removing, … (any but active is busy). */
  state: string;
  /** scaling_group.desired_size: Expected Nodes. */
  desiredSize: number;
  totalNodes: number;
  healthyNodes: number;
  initialNodes: number;
  failedNodes: number;
  /** kubernetes_config.runtime, e.g. Sandboxed-Container.runv. */
  runtime: string;
  autoScalingEnabled: boolean;
  autoModeEnabled: boolean;
  vswitchIds: string[];
}

export interface NodePoolWriteAccepted {
  taskId: string;
  requestId: string;
}

/** An accepted node removal (RemoveNodePoolNodes, DeleteClusterNodes): ACK's task removing them. */
export interface NodeRemovalAccepted {
  taskId: string;
  requestId: string;
}

export interface AckApi {
  /** Not idempotent: ACK adds `count` nodes per accepted call. Never retried by the HTTP layer. */
  scaleOutCluster(clusterId: string, body: ScaleOutBody): Promise<ScaleOutAccepted>;
  describeTaskInfo(taskId: string): Promise<AckTaskInfo>;
  /** One page of the cluster's tasks, newest first. */
  describeClusterTasks(clusterId: string, pageNumber: number, pageSize: number): Promise<AckClusterTask[]>;
  /** One page of the cluster's nodes, filtered by instance ids or node pool. */
  describeClusterNodes(clusterId: string, query: ClusterNodesQuery): Promise<{ nodes: AckClusterNode[]; totalCount: number }>;
  describeNodePool(clusterId: string, nodepoolId: string): Promise<AckNodePool>;
  /**
   * ModifyClusterNodePool with a body of exactly {"scaling_group":{"desired_size":N}} (a partial body
   * may clobber other pool fields). Absolute, so repeating it asks for the same end state; still never
   * retried by the HTTP layer: the controller re-reads the pool first.
   */
  setNodePoolDesiredSize(clusterId: string, nodepoolId: string, desiredSize: number): Promise<NodePoolWriteAccepted>;
  /**
   * RemoveNodePoolNodes: removes exactly these instances from the pool, lowering its desired size by
   * as many, and releases them; drain_node false (the controller drained them through the Eviction
   * API). Names its instances, so repeating it can never remove another one.
   */
  removeNodePoolNodes(clusterId: string, nodepoolId: string, instanceIds: readonly string[]): Promise<NodeRemovalAccepted>;
  /**
   * DeleteClusterNodes for ScaleOutCluster nodes (never a pool's: it would refill): removes these
   * Nodes from the cluster and releases their instances (release_node true, drain_node false).
   */
  deleteClusterNodes(clusterId: string, nodeNames: readonly string[]): Promise<NodeRemovalAccepted>;
}

/** Observes every cloud call (metrics); `code` is 'OK' or the error code. */
export type CloudCallObserver = (action: string, seconds: number, code: string) => void;

// ---- Failures ----------------------------------------------------------------------------------
// Each kind has one handling rule (controller/core/failures.ts): retry after a backoff, wait, stall
// for a human, or — for a call that may have bought nodes — recover the outcome from ACK's records.

export type CloudErrorKind =
  | 'throttled'
  | 'transient'
  | 'unknownOutcome'
  | 'capacity'
  | 'quota'
  | 'invalidRequest'
  | 'permission'
  | 'clusterBusy'
  | 'notFound'
  | 'auth';

export interface CloudErrorInfo {
  kind: CloudErrorKind;
  /** ACK's error code, or a stable local code: ReadTimeout, ConnectTimeout, ECONNRESET, InvalidResponse, CredentialsUnavailable, Unknown. */
  code: string;
  /** Human-readable, secrets removed, at most MAX_MESSAGE_LENGTH characters. */
  message: string;
  /** From x-acs-retry-after (milliseconds). */
  retryAfterMs?: number;
  httpStatus?: number;
  requestId?: string;
}

/** read: GETs (safe to repeat). mutation: a call that buys nodes (repeating it can buy them twice). */
export type RequestNature = 'read' | 'mutation';

export const MAX_MESSAGE_LENGTH = 512;

/** How every AckApi call fails: the classified error, with the SDK's own error as `cause`. */
export class AckCallError extends Error {
  override readonly name = 'AckCallError';

  constructor(readonly action: string, readonly info: CloudErrorInfo, options?: { cause?: unknown }) {
    super(`${action} failed: ${info.code}: ${info.message}`, options);
  }
}

/**
 * The classified failure of an AckApi call. Anything else thrown (a bug below the port) is taken at
 * its worst: for a mutation the nodes may have been bought, so its outcome is unknown.
 */
export function cloudErrorOf(err: unknown, nature: RequestNature): CloudErrorInfo {
  if (err instanceof AckCallError) return err.info;
  const message = err instanceof Error ? err.message : String(err);
  return { kind: nature === 'mutation' ? 'unknownOutcome' : 'transient', code: 'Unknown', message: message.slice(0, MAX_MESSAGE_LENGTH) };
}
