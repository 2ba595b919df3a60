// ACK answers every refusal with the same JSON shape (ack-api.md §2):
// {"code","message","requestId","status"}. AckError carries everything but the request id, which the
// server adds when it writes the response.

export class AckError extends Error {
  override readonly name = 'AckError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export interface AckErrorBody {
  code: string;
  message: string;
  requestId: string;
  status: number;
}

export function toErrorBody(error: AckError, requestId: string): AckErrorBody {
  return { code: error.code, message: error.message, requestId, status: error.status };
}

export function invalidParameter(field: string, problem: string): AckError {
  return new AckError(400, 'InvalidParameter', `${field} ${problem}`);
}

export function clusterNotFound(clusterId: string): AckError {
  return new AckError(404, 'ErrorClusterNotFound', `cluster ${clusterId} not found`);
}

export function taskNotFound(taskId: string): AckError {
  return new AckError(404, 'ErrorTaskNotFound', `task ${taskId} not found`);
}

export function nodePoolNotFound(nodepoolId: string): AckError {
  return new AckError(404, 'ErrorNodePoolNotFound', `node pool ${nodepoolId} not found`);
}

/**
 * A write to a node pool that is not `active`. ACK documents no code for this (ack-nodepool.md): the
 * simulator uses the InvalidStatus family of the cluster-busy refusal, with its message shape.
 */
export const NODE_POOL_BUSY_CODE = 'InvalidStatus.NodePool';

export function nodePoolBusy(nodepoolId: string, state: string): AckError {
  return new AckError(400, NODE_POOL_BUSY_CODE, `cannot operate node pool ${nodepoolId} where state is ${state}`);
}

export function clusterBusy(state: string): AckError {
  return new AckError(400, 'InvalidStatus.Forbidden', `cannot operate cluster where state is ${state}`);
}

export function nodeQuotaExceeded(clusterId: string, quota: number, current: number, requested: number): AckError {
  return new AckError(
    400,
    'QuotaExceeded.Nodes',
    `node quota of cluster ${clusterId} exceeded: quota is ${quota} nodes, cluster has ${current}, requested ${requested}`,
  );
}

export function incompleteSignature(problem: string): AckError {
  return new AckError(400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards: ${problem}`);
}

export function signatureDoesNotMatch(detail: string): AckError {
  return new AckError(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. ${detail}`);
}

export function accessKeyNotFound(accessKeyId: string): AckError {
  return new AckError(404, 'InvalidAccessKeyId.NotFound', `Specified access key is not found: ${accessKeyId}`);
}

export function nonceUsed(): AckError {
  return new AckError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
}

export function timestampExpired(date: string): AckError {
  return new AckError(400, 'InvalidTimeStamp.Expired', `Specified time stamp or date value is expired: x-acs-date ${date}`);
}

export function timestampFormat(date: string): AckError {
  return new AckError(
    400,
    'InvalidTimeStamp.Format',
    `Specified time stamp or date value is not well formatted: x-acs-date "${date}" (expected YYYY-MM-DDTHH:mm:ssZ)`,
  );
}
