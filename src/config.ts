// Flags and environment, parsed once into a frozen options object. This is the only module that
// reads process.env (for the few values Kubernetes injects through the downward API).
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { LogLevel } from './observability/logger.js';
import { parseGoDuration } from './util/durations.js';

export interface OperatorConfig {
  kubeconfig?: string;
  /** Label selector of the Node watch; each SandboxCapacity's nodeSelector picks among these Nodes. */
  nodeLabelSelector: string;
  /** The ACK cluster(s) this operator runs in; empty: learned from the watched Nodes' ack.aliyun.com label. */
  clusterIds: readonly string[];
  /** Namespaces to watch; empty = all namespaces. */
  namespaces: readonly string[];
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  identity: string;
  metricsBindAddress: string;
  healthProbeBindAddress: string;
  /** Overrides the region's CS endpoint, e.g. http://127.0.0.1:18080 for the ACK simulator. */
  cloudEndpoint?: string;
  cloudConnectTimeoutMs: number;
  cloudReadTimeoutMs: number;
  /** Global cap on ScaleOutCluster/DescribeTask calls per second across all resources. */
  cloudQps: number;
  cloudBurst: number;
  dryRun: boolean;
  /** How long an intent whose outcome is unknown waits for its task to appear in ACK's task list. */
  intentRecoveryWindowMs: number;
  logLevel: LogLevel;
  workers: number;
  resyncPeriodMs: number;
}

const FLAGS = {
  kubeconfig: { type: 'string', doc: 'Path to a kubeconfig; default: in-cluster config, then $KUBECONFIG, then ~/.kube/config.' },
  namespace: { type: 'string', multiple: true, doc: 'Watch only this namespace (repeat or comma-separate for several); default: all.' },
  'node-label-selector': { type: 'string', doc: 'Label selector of the Node watch (default "alibabacloud.com/container-runtime"); resources\' nodeSelectors choose among these Nodes.' },
  'cluster-id': { type: 'string', multiple: true, doc: 'The ACK cluster this operator runs in (repeat or comma-separate only where Nodes of several clusters register with one API server, as in a test bed); resources for another cluster are Stalled (ClusterMismatch). Default: the one ack.aliyun.com value of the watched Nodes.' },
  'leader-elect': { type: 'boolean', doc: 'Elect a leader through a coordination.k8s.io Lease; only the leader reconciles.' },
  'leader-election-namespace': { type: 'string', doc: 'Namespace of the Lease; default: the pod\'s namespace, else "default".' },
  'leader-election-id': { type: 'string', doc: 'Name of the Lease (default "sandbox-capacity-operator").' },
  'metrics-bind-address': { type: 'string', doc: 'Address of /metrics, "host:port" or ":port"; "0" disables (default ":8080").' },
  'health-probe-bind-address': { type: 'string', doc: 'Address of /healthz and /readyz; "0" disables (default ":8081").' },
  'cloud-endpoint': { type: 'string', doc: 'CS OpenAPI endpoint instead of cs.<regionId>.aliyuncs.com, e.g. http://127.0.0.1:18080 (plain http only on loopback).' },
  'cloud-connect-timeout': { type: 'string', doc: 'Connect timeout of cloud calls, a duration such as 5s (default 5s; a bare number is milliseconds).' },
  'cloud-read-timeout': { type: 'string', doc: 'Read timeout of cloud calls, a duration such as 15s (default 15s; a bare number is milliseconds).' },
  'cloud-qps': { type: 'string', doc: 'Global cloud call rate limit per second (default 5).' },
  'cloud-burst': { type: 'string', doc: 'Global cloud call burst (default 10).' },
  'intent-recovery-window': { type: 'string', doc: 'How long an unanswered ScaleOutCluster may take to appear in ACK\'s task list before it is retried, e.g. 2m (default 2m; a bare number is seconds).' },
  'dry-run': { type: 'boolean', doc: 'Decide and report (the log names the call it would make), but never call ScaleOutCluster or ModifyClusterNodePool.' },
  'log-level': { type: 'string', doc: 'error | warn | info | debug (default info).' },
  workers: { type: 'string', doc: 'Concurrent reconciles (default 4); one resource is never reconciled twice at once.' },
  'resync-period': { type: 'string', doc: 'Every resource is reconciled at least this often, e.g. 5m (default 5m; a bare number is seconds).' },
  help: { type: 'boolean', doc: 'Print this help.' },
  version: { type: 'boolean', doc: 'Print the version and exit.' },
} as const;

export function usage(): string {
  const lines = Object.entries(FLAGS).map(([name, f]) => `  --${name.padEnd(28)} ${f.doc}`);
  return ['Usage: sandbox-capacity-operator [flags]', '       sandbox-capacity-operator simulate-ack [flags]   (see --help there)', '', 'Flags:', ...lines, ''].join('\n');
}

function num(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${flag}: expected a non-negative number, got "${value}"`);
  return n;
}

/** The longest delay Node's timers take (2^31 − 1 ms, about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A time flag: a Go duration ("90s", "5m", "1m30s"), or a bare number in the flag's historical
 * unit so existing command lines and the chart's values keep working. Zero and negative are
 * refused: a zero timeout, resync period or recovery window is never what anyone means.
 */
function duration(value: string | undefined, fallbackMs: number, flag: string, bareUnitMs: number): number {
  if (value === undefined) return fallbackMs;
  const bare = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) * bareUnitMs : undefined;
  const ms = bare ?? parseGoDuration(value);
  const unit = bareUnitMs === 1 ? 'milliseconds' : 'seconds';
  if (ms === undefined) throw new Error(`--${flag}: expected a duration such as 90s, 5m or 1m30s (a bare number is ${unit}), got "${value}"`);
  if (ms <= 0 || ms > MAX_TIMER_MS) throw new Error(`--${flag}: expected a duration above 0 and at most ${MAX_TIMER_MS} ms (about 24 days), got "${value}"`);
  return ms;
}

function positiveInteger(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag}: expected a whole number of at least 1, got "${value}"`);
  return n;
}

function logLevel(value: string | undefined): LogLevel {
  const level = value ?? 'info';
  if (!['error', 'warn', 'info', 'debug'].includes(level)) throw new Error(`--log-level: expected error|warn|info|debug, got "${level}"`);
  return level as LogLevel;
}

/** A repeatable flag whose values may also be comma-separated: "--namespace a,b --namespace c". */
function listFlag(values: string | string[] | boolean | undefined): readonly string[] {
  const given = Array.isArray(values) ? values : [];
  return Object.freeze(given.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean));
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): OperatorConfig | 'help' | 'version' {
  const options = Object.fromEntries(Object.entries(FLAGS).map(([k, f]) => [k, { type: f.type, ...('multiple' in f ? { multiple: true } : {}) }]));
  const { values: v } = parseArgs({ args: [...argv], options: options as never, strict: true, allowPositionals: false }) as { values: Record<string, string | string[] | boolean | undefined> };
  if (v.help) return 'help';
  if (v.version) return 'version';
  const s = (k: string): string | undefined => v[k] as string | undefined;
  return Object.freeze({
    kubeconfig: s('kubeconfig'),
    nodeLabelSelector: s('node-label-selector') ?? 'alibabacloud.com/container-runtime',
    clusterIds: listFlag(v['cluster-id']),
    namespaces: listFlag(v.namespace),
    leaderElect: Boolean(v['leader-elect']),
    leaderElectionNamespace: s('leader-election-namespace') ?? env.POD_NAMESPACE ?? 'default',
    leaderElectionId: s('leader-election-id') ?? 'sandbox-capacity-operator',
    identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    metricsBindAddress: s('metrics-bind-address') ?? ':8080',
    healthProbeBindAddress: s('health-probe-bind-address') ?? ':8081',
    cloudEndpoint: s('cloud-endpoint'),
    cloudConnectTimeoutMs: duration(s('cloud-connect-timeout'), 5000, 'cloud-connect-timeout', 1),
    cloudReadTimeoutMs: duration(s('cloud-read-timeout'), 15000, 'cloud-read-timeout', 1),
    cloudQps: num(s('cloud-qps'), 5, 'cloud-qps'),
    cloudBurst: num(s('cloud-burst'), 10, 'cloud-burst'),
    dryRun: Boolean(v['dry-run']),
    intentRecoveryWindowMs: duration(s('intent-recovery-window'), 120_000, 'intent-recovery-window', 1000),
    logLevel: logLevel(s('log-level')),
    workers: positiveInteger(s('workers'), 4, 'workers'),
    resyncPeriodMs: duration(s('resync-period'), 300_000, 'resync-period', 1000),
  });
}
