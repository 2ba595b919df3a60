// Intent records: written to status (state Requesting) before ScaleOutCluster is called.
import type { TaskRecord } from '../../api/sandbox-capacity.js';
import { INTENT_TAG_KEY } from './constants.js';
import { toTimestamp } from './time.js';
import type { Random, ScaleOutRequest } from './types.js';

/**
 * A unique, sortable marker: "sbc-<epoch ms base36>-<8 random base36 chars>". It is also sent as the node
 * tag capacity.sandbox.dev/intent so recovery can recognise the task (tag values may not start with
 * "aliyun", "acs:" or "http", hence the prefix).
 */
export function makeIntentId(nowMs: number, random: Random): string {
  const randomPart = Math.floor(Math.min(Math.max(random(), 0), 0.999_999_999) * 36 ** 8)
    .toString(36)
    .padStart(8, '0');
  return `sbc-${Math.floor(nowMs).toString(36)}-${randomPart}`;
}

export function newIntentRecord(intentId: string, count: number, vswitchIds: string[], nowMs: number): TaskRecord {
  return {
    intentId,
    count,
    vswitchIds,
    state: 'Requesting',
    startTime: toTimestamp(nowMs),
    message: `requesting ${count} nodes in ${vswitchIds.join(',')}`,
  };
}

export function toScaleOutRequest(record: TaskRecord): ScaleOutRequest {
  return {
    intentId: record.intentId,
    count: record.count,
    vswitchIds: [...(record.vswitchIds ?? [])],
    intentTag: { key: INTENT_TAG_KEY, value: record.intentId },
  };
}
