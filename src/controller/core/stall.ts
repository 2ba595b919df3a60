// A stall caused by a cloud refusal (quota, permission, invalid request, …) is remembered through the
// Stalled condition itself: status True, a cloud stall reason, and observedGeneration = the generation the
// refused request was made for. It holds while that generation is current and nextRetryTime (set to
// now + backoff.max at the refusal) is in the future; a spec change lifts it at once.
import type { SandboxCapacityStatus } from '../../api/sandbox-capacity.js';
import { isBackingOff } from './backoff.js';
import { findCondition } from './conditions.js';
import { CLOUD_STALL_REASONS, ConditionType } from './reasons.js';

export interface CloudStall {
  reason: string;
  message: string;
}

function recordedStall(status: SandboxCapacityStatus): { reason: string; message: string; generation?: number } | undefined {
  const stalled = findCondition(status.conditions, ConditionType.Stalled);
  if (stalled?.status !== 'True' || !CLOUD_STALL_REASONS.has(stalled.reason)) return undefined;
  return stalled.observedGeneration === undefined
    ? { reason: stalled.reason, message: stalled.message }
    : { reason: stalled.reason, message: stalled.message, generation: stalled.observedGeneration };
}

/** The stall still in force, if any. */
export function activeCloudStall(status: SandboxCapacityStatus, generation: number, nowMs: number): CloudStall | undefined {
  const stall = recordedStall(status);
  if (stall?.generation !== generation || !isBackingOff(status, nowMs)) return undefined;
  return { reason: stall.reason, message: stall.message };
}

/** True when a recorded cloud stall belongs to an older generation: the spec changed, retry now. */
export function isStallLiftedBySpecChange(status: SandboxCapacityStatus, generation: number): boolean {
  const stall = recordedStall(status);
  return stall !== undefined && stall.generation !== generation;
}
