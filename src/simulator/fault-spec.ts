// The command line's compact fault syntax: `kind[:key=value,key=value...]`, e.g.
// `throttle:probability=0.3,retryAfterMs=2000` or `lost-response:times=1,mode=timeout,delayMs=5000`.
import type { FaultRuleInput } from './fault-types.js';
import { checkFaultRule, FaultRuleError } from './faults.js';

const TEXT_KEYS = new Set(['action', 'code', 'message', 'mode', 'zone', 'vswitchId', 'nodepoolId']);
const NUMBER_KEYS = new Set([
  'probability',
  'times',
  'delayMs',
  'status',
  'retryAfterMs',
  'failFraction',
  'fraction',
  'afterMs',
]);

function parseSetting(item: string): [string, string | number] {
  const equals = item.indexOf('=');
  const key = equals < 0 ? item.trim() : item.slice(0, equals).trim();
  const value = equals < 0 ? '' : item.slice(equals + 1).trim();
  if (TEXT_KEYS.has(key)) {
    return [key, value];
  }
  if (!NUMBER_KEYS.has(key)) {
    throw new FaultRuleError(`unknown fault setting "${key}"; known: ${[...TEXT_KEYS, ...NUMBER_KEYS].join(', ')}`);
  }
  const number = Number(value);
  if (value === '' || !Number.isFinite(number)) {
    throw new FaultRuleError(`fault setting ${key} needs a number, got "${value}"`);
  }
  return [key, number];
}

export function parseFaultSpec(spec: string): FaultRuleInput {
  const colon = spec.indexOf(':');
  const kind = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const settings = colon < 0 ? [] : spec.slice(colon + 1).split(',').filter((item) => item.trim() !== '');
  const rule = { kind, ...Object.fromEntries(settings.map(parseSetting)) } as FaultRuleInput;
  checkFaultRule(rule);
  return rule;
}
