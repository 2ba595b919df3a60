// What the controller needs from ACK, in the controller's own words. The SDK adapter
// (sdk-ack-api.ts) implements it against the real CS OpenAPI or the simulator.

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
  error?: { code: string; message: string };
  parameters?: Record<string, unknown>;
}

export interface AckClusterTask {
  taskId: string;
  taskType: string;
  state: string;
  created: string;
}

export interface AckApi {
  /** Not idempotent: ACK adds `count` nodes per accepted call. Never retried by the HTTP layer. */
  scaleOutCluster(clusterId: string, body: ScaleOutBody): Promise<ScaleOutAccepted>;
  describeTaskInfo(taskId: string): Promise<AckTaskInfo>;
  /** One page of the cluster's tasks, newest first. */
  describeClusterTasks(clusterId: string, pageNumber: number, pageSize: number): Promise<AckClusterTask[]>;
}

/** Observes every cloud call (metrics); `code` is 'OK' or the error code. */
export type CloudCallObserver = (action: string, seconds: number, code: string) => void;
