// Simulator-wide knobs that can change while it runs (admin API PUT /_sim/settings).

export interface SimulatorSettings {
  /** How long a scale-out task stays running. */
  taskDurationMs: number;
  /** Time from a task's success to its nodes appearing in Kubernetes. */
  joinDelayMs: number;
  /** Largest `count` one ScaleOutCluster call may ask for. */
  maxNodesPerCall: number;
  /** Allowed difference between x-acs-date and the simulator's clock. */
  maxClockSkewMs: number;
  /** Lease renewal period of joined nodes (keeps a node lifecycle controller content); 0 = no leases. */
  heartbeatIntervalMs: number;
}

export const DEFAULT_SETTINGS: Readonly<SimulatorSettings> = {
  taskDurationMs: 2000,
  joinDelayMs: 1000,
  maxNodesPerCall: 500,
  maxClockSkewMs: 15 * 60 * 1000,
  heartbeatIntervalMs: 10_000,
};

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

const SETTING_NAMES = Object.keys(DEFAULT_SETTINGS) as (keyof SimulatorSettings)[];

/** Merges a partial update into settings, refusing unknown names and non-negative-integer violations. */
export function mergeSettings(current: SimulatorSettings, patch: Readonly<Record<string, unknown>>): SimulatorSettings {
  const next = { ...current };
  for (const [name, value] of Object.entries(patch)) {
    const known = SETTING_NAMES.find((candidate) => candidate === name);
    if (known === undefined) {
      throw new SettingsError(`unknown setting "${name}"; known: ${SETTING_NAMES.join(', ')}`);
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new SettingsError(`setting ${name} must be a non-negative whole number`);
    }
    next[known] = value;
  }
  if (next.maxNodesPerCall < 1) {
    throw new SettingsError('setting maxNodesPerCall must be at least 1');
  }
  return next;
}
