// The numbers the core works with, read from spec.limits and spec.backoff (Go-style durations).
// A malformed field is replaced by its CRD default so counting can go on, and named in `problem`
// (the plan then stalls with InvalidSpec). settingsOf() parses a spec object once, however many
// folds and plans of one reconcile ask for it.
import type { SandboxCapacitySpec } from '../../api/sandbox-capacity.js';
import { tryParseDuration } from './time.js';

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
}

export interface Settings {
  maxNodesPerScaleOut: number;
  maxInFlightNodes: number;
  taskTimeoutMs: number;
  joinGraceMs: number;
  /** Unjoined instances that may be written off and bought again (0: none). */
  maxUnjoinedNodes: number;
  backoff: BackoffSettings;
}

export interface SettingsResult {
  settings: Settings;
  /** Set when a field is malformed: names the field. */
  problem?: string;
}

/** Used when spec.backoff cannot be parsed (the plan reports InvalidSpec meanwhile). */
export const DEFAULT_BACKOFF: Readonly<BackoffSettings> = { initialMs: 10_000, maxMs: 600_000 };

interface DurationField {
  field: string;
  text: string | undefined;
  fallbackMs: number;
  allowZero: boolean;
}

/** Parses spec.limits and spec.backoff. */
export function readSettings(spec: SandboxCapacitySpec): SettingsResult {
  const fields: DurationField[] = [
    { field: 'spec.limits.taskTimeout', text: spec.limits.taskTimeout, fallbackMs: 30 * 60_000, allowZero: false },
    { field: 'spec.limits.joinGracePeriod', text: spec.limits.joinGracePeriod, fallbackMs: 10 * 60_000, allowZero: true },
    { field: 'spec.backoff.initial', text: spec.backoff.initial, fallbackMs: DEFAULT_BACKOFF.initialMs, allowZero: false },
    { field: 'spec.backoff.max', text: spec.backoff.max, fallbackMs: DEFAULT_BACKOFF.maxMs, allowZero: false },
  ];
  const problems: string[] = [];
  const [taskTimeoutMs = 0, joinGraceMs = 0, initialMs = 0, maxMs = 0] = fields.map((f) => {
    const ms = tryParseDuration(f.text);
    if (ms !== undefined && ms >= 0 && (ms > 0 || f.allowZero)) return ms;
    problems.push(`${f.field} is "${f.text ?? ''}": expected a positive Go duration such as 30s or 10m`);
    return f.fallbackMs;
  });
  const mode = modeProblem(spec);
  if (mode !== undefined) problems.push(mode);
  const settings: Settings = {
    maxNodesPerScaleOut: Math.max(1, Math.floor(spec.limits.maxNodesPerScaleOut)),
    maxInFlightNodes: Math.max(1, Math.floor(spec.limits.maxInFlightNodes)),
    taskTimeoutMs,
    joinGraceMs,
    maxUnjoinedNodes: Math.max(0, Math.floor(spec.limits.maxUnjoinedNodes)),
    backoff: { initialMs, maxMs: Math.max(initialMs, maxMs) },
  };
  return problems.length === 0 ? { settings } : { settings, problem: problems.join('; ') };
}

/** Exactly one of spec.scaleOut and spec.nodePool (the CRD refuses the rest; an old API server may not). */
function modeProblem(spec: SandboxCapacitySpec): string | undefined {
  if (spec.scaleOut !== undefined && spec.nodePool !== undefined) return 'spec.scaleOut and spec.nodePool are both set: exactly one of them is needed';
  if (spec.nodePool !== undefined) return spec.nodePool.id === '' ? 'spec.nodePool.id is empty' : undefined;
  if (spec.scaleOut === undefined) return 'neither spec.scaleOut nor spec.nodePool is set: exactly one of them is needed';
  return spec.scaleOut.vswitchIds.length === 0 ? 'spec.scaleOut.vswitchIds is empty: at least one vSwitch is needed' : undefined;
}

const parsed = new WeakMap<SandboxCapacitySpec, SettingsResult>();

/** readSettings, once per spec object (specs are never mutated: every fold copies the resource, not its spec). */
export function settingsOf(spec: SandboxCapacitySpec): SettingsResult {
  let result = parsed.get(spec);
  if (result === undefined) {
    result = readSettings(spec);
    parsed.set(spec, result);
  }
  return result;
}
