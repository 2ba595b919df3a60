// Flags of `sandbox-capacity-operator simulate-ack`, parsed into AckSimulatorOptions.
import { parseArgs } from 'node:util';
import { DEFAULT_CLUSTER_ID, DEFAULT_REGION_ID, type ClusterConfig } from './clusters.js';
import { resolveNodePoolConfig, type NodePoolConfig } from './node-pools.js';
import { parseFaultSpec } from './fault-spec.js';
import { parseNodePoolSpec } from './node-pool-flag.js';
import type { FaultRuleInput } from './fault-types.js';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from './index.js';
import type { SimulatorSettings } from './settings.js';
import { parseDurationMs } from './time-format.js';

export const DEFAULT_COMMAND_PORT = 18080;
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'];

export const USAGE = `Usage: sandbox-capacity-operator simulate-ack [flags]

Runs a local ACK (CS OpenAPI 2015-12-15) simulator on 127.0.0.1 until SIGINT/SIGTERM.

  --port <n>                   port to listen on (default ${DEFAULT_COMMAND_PORT}; 0 picks a free one)
  --host <addr>                only 127.0.0.1 is accepted
  --kubeconfig <path>          register the nodes of successful tasks as Nodes in this cluster
  --cluster-id <id>            simulated cluster id (default ${DEFAULT_CLUSTER_ID})
  --region <id>                region of the cluster (default ${DEFAULT_REGION_ID})
  --not-sandbox                the cluster is not a sandboxed-container cluster (seed rules off)
  --node-quota <n>             node quota of the cluster (default 100)
  --max-scale-out-tasks <n>    concurrent scale-out tasks per cluster (default 1)
  --vswitch-zone <vsw=zone>    zone of a vSwitch, repeatable (e.g. vsw-aaa=cn-hangzhou-h)
  --default-zone <zone>        zone of unlisted vSwitches (default <region>-a)
  --node-pool <spec>           a node pool of the cluster, repeatable; given, it replaces the default
                               eligible sandbox pool. key=value pairs: id, name, type (ess|edge|lingjun),
                               runtime (Sandboxed-Container.runv|containerd), runtimeVersion,
                               autoScaling, minInstances, maxInstances, autoMode, vswitchIds (a+b),
                               instanceTypes (a+b), desiredSize, labels (k=v+k2=v2), isDefault
                               e.g. id=np-sandbox,desiredSize=2,vswitchIds=vsw-a+vsw-b
  --access-key-id <id>         accepted AccessKey id (default LTAI-simulator)
  --access-key-secret <s>      its secret (default simulator-secret)
  --task-duration <d>          how long a task runs, e.g. 2s (default 2s)
  --join-delay <d>             success to Node registration (default 1s)
  --max-nodes-per-call <n>     largest count per ScaleOutCluster call (default 500)
  --max-clock-skew <d>         allowed x-acs-date skew (default 15m)
  --heartbeat-interval <d>     node Lease renewal period, 0 = off (default 10s)
  --seed <n>                   seed of the fault PRNG (default 1)
  --fault <spec>               fault rule, repeatable: kind[:key=value,...]
                               e.g. throttle:probability=0.2,retryAfterMs=1000
                                    lost-response:times=1,action=ScaleOutCluster
                                    task-fail:failFraction=0.5
  --log-level <level>          error | warn | info | debug (default info)
  --help                       print this help

Durations: 1500, 1500ms, 2s, 1m, 1h.`;

export interface CommandOptions {
  help: boolean;
  port: number;
  kubeconfigPath?: string;
  cluster: ClusterConfig;
  accessKeyId: string;
  accessKeySecret: string;
  secretGiven: boolean;
  settings: Partial<SimulatorSettings>;
  seed: number;
  faults: FaultRuleInput[];
  logLevel: string;
}

export class FlagError extends Error {
  override readonly name = 'FlagError';
}

const FLAG_SPEC = {
  help: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  kubeconfig: { type: 'string' },
  'cluster-id': { type: 'string' },
  region: { type: 'string' },
  'not-sandbox': { type: 'boolean' },
  'node-quota': { type: 'string' },
  'max-scale-out-tasks': { type: 'string' },
  'vswitch-zone': { type: 'string', multiple: true },
  'default-zone': { type: 'string' },
  'node-pool': { type: 'string', multiple: true },
  'access-key-id': { type: 'string' },
  'access-key-secret': { type: 'string' },
  'task-duration': { type: 'string' },
  'join-delay': { type: 'string' },
  'max-nodes-per-call': { type: 'string' },
  'max-clock-skew': { type: 'string' },
  'heartbeat-interval': { type: 'string' },
  seed: { type: 'string' },
  fault: { type: 'string', multiple: true },
  'log-level': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof FLAG_SPEC; strict: true }>>['values'];

function wholeNumber(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min) {
    throw new FlagError(`--${flag} needs a whole number of at least ${min}, got "${text}"`);
  }
  return value;
}

function duration(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = parseDurationMs(text);
  if (value === undefined) {
    throw new FlagError(`--${flag} needs a duration like 500ms, 2s or 1m, got "${text}"`);
  }
  return value;
}

function vswitchZones(pairs: readonly string[] | undefined): Record<string, string> {
  const zones: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const [vswitchId, zone] = pair.split('=');
    if (!vswitchId || !zone) {
      throw new FlagError(`--vswitch-zone needs vsw-id=zone-id, got "${pair}"`);
    }
    zones[vswitchId] = zone;
  }
  return zones;
}

function clusterFrom(values: Values): ClusterConfig {
  const nodeQuota = wholeNumber('node-quota', values['node-quota'], 0);
  const maxScaleOuts = wholeNumber('max-scale-out-tasks', values['max-scale-out-tasks'], 1);
  return {
    clusterId: values['cluster-id'] ?? DEFAULT_CLUSTER_ID,
    regionId: values.region ?? DEFAULT_REGION_ID,
    sandbox: values['not-sandbox'] !== true,
    vswitchZones: vswitchZones(values['vswitch-zone']),
    ...(nodeQuota === undefined ? {} : { nodeQuota }),
    ...(maxScaleOuts === undefined ? {} : { maxConcurrentScaleOuts: maxScaleOuts }),
    ...(values['default-zone'] ? { defaultZone: values['default-zone'] } : {}),
    ...(values['node-pool'] ? { nodePools: values['node-pool'].map(nodePoolFrom) } : {}),
  };
}

function nodePoolFrom(spec: string): NodePoolConfig {
  try {
    const config = parseNodePoolSpec(spec);
    // Checked here too, so a typo is a flag error (exit 2) rather than a failed start.
    resolveNodePoolConfig(config, { sandbox: true, runtimeVersion: '0', vswitchIds: [] }, 0);
    return config;
  } catch (error) {
    throw new FlagError(`--node-pool ${spec}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function settingsFrom(values: Values): Partial<SimulatorSettings> {
  const entries: [keyof SimulatorSettings, number | undefined][] = [
    ['taskDurationMs', duration('task-duration', values['task-duration'])],
    ['joinDelayMs', duration('join-delay', values['join-delay'])],
    ['maxNodesPerCall', wholeNumber('max-nodes-per-call', values['max-nodes-per-call'], 1)],
    ['maxClockSkewMs', duration('max-clock-skew', values['max-clock-skew'])],
    ['heartbeatIntervalMs', duration('heartbeat-interval', values['heartbeat-interval'])],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

function faultsFrom(specs: readonly string[] | undefined): FaultRuleInput[] {
  return (specs ?? []).map((spec) => {
    try {
      return parseFaultSpec(spec);
    } catch (error) {
      throw new FlagError(`--fault ${spec}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

export function parseCommandFlags(argv: readonly string[]): CommandOptions {
  let values: Values;
  try {
    values = parseArgs({ args: [...argv], options: FLAG_SPEC, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new FlagError(error instanceof Error ? error.message : String(error));
  }
  const logLevel = values['log-level'] ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new FlagError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  if (values.host !== undefined && values.host !== '127.0.0.1') {
    throw new FlagError('--host: the simulator only listens on 127.0.0.1');
  }
  return {
    help: values.help === true,
    port: wholeNumber('port', values.port, 0) ?? DEFAULT_COMMAND_PORT,
    ...(values.kubeconfig ? { kubeconfigPath: values.kubeconfig } : {}),
    cluster: clusterFrom(values),
    accessKeyId: values['access-key-id'] ?? DEFAULT_ACCESS_KEY_ID,
    accessKeySecret: values['access-key-secret'] ?? DEFAULT_ACCESS_KEY_SECRET,
    secretGiven: values['access-key-secret'] !== undefined,
    settings: settingsFrom(values),
    seed: wholeNumber('seed', values.seed, 0) ?? 1,
    faults: faultsFrom(values.fault),
    logLevel,
  };
}
