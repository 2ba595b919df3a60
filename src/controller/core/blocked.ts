// Turning a cloud error seen by the shell outside ScaleOutCluster (a poll or a task-list read failing with
// bad credentials or missing permissions) into a PlanInput.blocked, so the resource reports Stalled.
import type { CloudErrorInfo } from '../../cloud/errors.js';
import { describeCloudError, stallReasonFor } from './error-policy.js';
import type { Blocked } from './types.js';

/** A Blocked for stall kinds (auth, permission, quota, invalidRequest, notFound); undefined for the others. */
export function toBlocked(info: CloudErrorInfo, action: string): Blocked | undefined {
  const reason = stallReasonFor(info.kind);
  return reason === undefined ? undefined : { reason, message: `${action} refused: ${describeCloudError(info)}` };
}
