// Tags become node labels (ack-api.md §3.1: at most 20; key up to 64 characters, value up to 128,
// no reserved prefixes). Taints are passed to the nodes too.
import { invalidParameter } from './errors.js';
import { describeValue, readEnum, readObjectList, type JsonObject } from './field-checks.js';

export interface NodeTag {
  key: string;
  value: string;
}

export interface NodeTaint {
  key: string;
  value: string;
  effect: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule';
}

const RESERVED_TAG_PREFIXES = ['aliyun', 'acs:', 'https://', 'http://'];
const TAINT_EFFECTS = ['NoSchedule', 'NoExecute', 'PreferNoSchedule'] as const;

function readText(field: string, value: unknown, maxLength: number, required: boolean): string {
  if (value === undefined || value === null) {
    if (required) {
      throw invalidParameter(field, 'is required');
    }
    return '';
  }
  if (typeof value !== 'string' || value.length > maxLength || (required && value === '')) {
    throw invalidParameter(field, `must be a string of ${required ? 1 : 0} to ${maxLength} characters, got ${describeValue(value)}`);
  }
  return value;
}

function readTag(tag: JsonObject, index: number): NodeTag {
  const key = readText(`tags[${index}].key`, tag.key, 64, true);
  const lowerKey = key.toLowerCase();
  const reserved = RESERVED_TAG_PREFIXES.find((prefix) => lowerKey.startsWith(prefix));
  if (reserved !== undefined) {
    throw invalidParameter(`tags[${index}].key`, `must not start with "${reserved}", got ${describeValue(key)}`);
  }
  return { key, value: readText(`tags[${index}].value`, tag.value, 128, false) };
}

export function readTags(body: JsonObject): NodeTag[] {
  return readObjectList('tags', body.tags, { min: 0, max: 20 }).map(readTag);
}

export function readTaints(body: JsonObject): NodeTaint[] {
  return readObjectList('taints', body.taints, { min: 0, max: 20 }).map((taint, index) => ({
    key: readText(`taints[${index}].key`, taint.key, 253, true),
    value: readText(`taints[${index}].value`, taint.value, 63, false),
    effect: readEnum(`taints[${index}].effect`, taint.effect, TAINT_EFFECTS, 'NoSchedule'),
  }));
}
