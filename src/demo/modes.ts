// What the demo runs: which example it applies and how the ACK simulator behaves. One entry per
// way of scaling; `npm run demo` runs DEFAULT_MODE (node pools, the path ACK recommends), and
// `--mode scale-out-cluster` the legacy one. Adding a mode is a new entry here plus its manifest.
import type { AckSimulatorOptions } from '../simulator/index.js';
import { DEFAULT_CLUSTER_ID } from '../simulator/clusters.js';

/** The node pool examples/nodepool.yaml names, created in the simulated cluster for the demo. */
const EXAMPLE_POOL_ID = 'np0123456789abcdef0123456789abcdef';

export interface DemoMode {
  /** One line on what this mode shows, printed at start. */
  summary: string;
  /** The SandboxCapacity manifest applied, relative to the repository root; its namespace is created. */
  manifest: string;
  /** Simulator settings: quick tasks and joins, so the demo converges in seconds. */
  simulator: Pick<AckSimulatorOptions, 'taskDurationMs' | 'joinDelayMs' | 'heartbeatIntervalMs' | 'clusters'>;
}

export const DEMO_MODES = {
  'node-pool': {
    summary: 'node pool: the operator raises the Expected Nodes of a sandbox node pool',
    manifest: 'examples/nodepool.yaml',
    simulator: {
      taskDurationMs: 4000, joinDelayMs: 2000, heartbeatIntervalMs: 0,
      clusters: [{ clusterId: DEFAULT_CLUSTER_ID, nodePools: [{ nodepoolId: EXAMPLE_POOL_ID, name: 'sandbox-pool' }] }],
    },
  },
  'scale-out-cluster': {
    summary: 'ScaleOutCluster: the operator adds sandbox nodes to the cluster',
    manifest: 'examples/minimal.yaml',
    simulator: { taskDurationMs: 4000, joinDelayMs: 2000, heartbeatIntervalMs: 0 },
  },
} as const satisfies Record<string, DemoMode>;

export type DemoModeName = keyof typeof DEMO_MODES;
export const DEFAULT_MODE: DemoModeName = 'node-pool';

/** The mode a --mode value names; an unknown name is an error listing the known ones. */
export function demoModeOf(name: string | undefined): DemoModeName {
  if (name === undefined) return DEFAULT_MODE;
  if (Object.hasOwn(DEMO_MODES, name)) return name as DemoModeName;
  throw new Error(`--mode must be one of ${Object.keys(DEMO_MODES).join(', ')}, got "${name}"`);
}
