// What the demo runs: which example it applies and how the ACK simulator behaves. One entry per
// way of scaling; `npm run demo` runs DEFAULT_MODE. A --mode flag picks another entry: adding one
// (e.g. node pools) is a new entry here plus its manifest, the rest of src/demo stays as it is.
import type { AckSimulatorOptions } from '../simulator/index.js';

export interface DemoMode {
  /** One line on what this mode shows, printed at start. */
  summary: string;
  /** The SandboxCapacity manifest applied, relative to the repository root; its namespace is created. */
  manifest: string;
  /** Simulator settings: quick tasks and joins, so the demo converges in seconds. */
  simulator: Pick<AckSimulatorOptions, 'taskDurationMs' | 'joinDelayMs' | 'heartbeatIntervalMs'>;
}

export const DEMO_MODES = {
  'scale-out': {
    summary: 'ScaleOutCluster: the operator adds sandbox nodes to the cluster',
    manifest: 'examples/minimal.yaml',
    simulator: { taskDurationMs: 4000, joinDelayMs: 2000, heartbeatIntervalMs: 0 },
  },
} as const satisfies Record<string, DemoMode>;

export type DemoModeName = keyof typeof DEMO_MODES;
export const DEFAULT_MODE: DemoModeName = 'scale-out';
