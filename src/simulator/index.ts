// startAckSimulator: a local CS OpenAPI (2015-12-15, ROA) server that signs, validates and fails
// like ACK. See docs/simulator.md.
import type { KubeConfig } from '@kubernetes/client-node';
import winston, { type Logger } from 'winston';
import { AckPipeline } from './ack-pipeline.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_CLUSTER_ID, DEFAULT_REGION_ID, type ClusterConfig } from './clusters.js';
import { Delays } from './delays.js';
import type { FaultRuleInput } from './fault-types.js';
import { FaultEngine } from './faults.js';
import { KubeNodeWriter } from './kube-node-writer.js';
import { NodeJoiner } from './node-joiner.js';
import { NonceCache } from './nonce-cache.js';
import { RequestRecorder } from './recorder.js';
import { SIMULATOR_HOST, startServer, stopServer } from './server.js';
import { DEFAULT_SETTINGS, mergeSettings, type SimulatorSettings } from './settings.js';
import { SimulatorControl } from './simulator-control.js';
import { SimulatorState } from './simulator-state.js';

export { DEFAULT_CLUSTER_ID, DEFAULT_REGION_ID } from './clusters.js';
export type { ClusterConfig } from './clusters.js';
export type { HeldState, NodePoolConfig, NodePoolType } from './node-pools.js';
export type { SimNodePoolView } from './node-pool-admin-views.js';
export type { NodePoolCounts } from './node-pool-status.js';
export { NODE_POOL_TASK_TYPES } from './node-pool-tasks.js';
export { NODE_POOL_BUSY_CODE } from './errors.js';
export { NO_STOCK_CODE } from './stock.js';
export type { FaultKind, FaultRule, FaultRuleInput, LostResponseMode } from './fault-types.js';
export type { RecordedRequest, RequestFilter } from './recorder.js';
export type { SimulatorSettings } from './settings.js';
export type { SimClusterView, SimNodeView, SimTaskView } from './admin-views.js';
export type { FinishTaskRequest, NodePoolPatch } from './simulator-control.js';
export type { SimulatorControl } from './simulator-control.js';
export type { Clock } from './clock.js';

export const DEFAULT_ACCESS_KEY_ID = 'LTAI-simulator';
export const DEFAULT_ACCESS_KEY_SECRET = 'simulator-secret';

export interface AccessKeyPair {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface AckSimulatorOptions extends Partial<SimulatorSettings> {
  /** 0 (default) picks a free port. The server always binds to 127.0.0.1. */
  port?: number;
  logger?: Logger;
  clock?: Clock;
  /** Seed of the fault PRNG (default 1): same seed, same calls, same faults. */
  seed?: number;
  /** Accepted AccessKey pairs; default one pair LTAI-simulator / simulator-secret. */
  accessKeys?: AccessKeyPair[];
  /** Default: one sandbox cluster c82e6987e2961451182edacd74faf0000 in cn-hangzhou. */
  clusters?: ClusterConfig[];
  /** Fault rules installed at start (and again by reset). */
  faults?: FaultRuleInput[];
  /** When given, successful tasks' instances become Nodes in this Kubernetes cluster. */
  kubeConfig?: KubeConfig;
  /** How often due work (task completion, node joins) runs; default 100 ms. */
  tickIntervalMs?: number;
  /** Most recorded requests kept; default 10000. */
  recordLimit?: number;
}

export interface AckSimulator {
  /** host:port, the form the SDK's Config.endpoint wants. */
  readonly endpoint: string;
  readonly port: number;
  /** http://127.0.0.1:PORT, for the admin API. */
  readonly url: string;
  /** The first configured AccessKey pair. */
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** Faults, recorded requests, clusters, tasks, settings, time and reset. */
  readonly control: SimulatorControl;
  /** Runs everything that is due now (task completion, node joins) and waits for it. */
  tick(): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

function silentLogger(): Logger {
  return winston.createLogger({ silent: true });
}

function settingsFrom(options: AckSimulatorOptions): SimulatorSettings {
  const patch = Object.fromEntries(
    Object.keys(DEFAULT_SETTINGS).flatMap((name) => {
      const value = options[name as keyof SimulatorSettings];
      return value === undefined ? [] : [[name, value]];
    }),
  );
  return mergeSettings({ ...DEFAULT_SETTINGS }, patch);
}

function buildControl(options: AckSimulatorOptions, logger: Logger, clock: Clock) {
  const faults = new FaultEngine(options.seed ?? 1);
  const state = new SimulatorState(
    options.clusters ?? [{ clusterId: DEFAULT_CLUSTER_ID, regionId: DEFAULT_REGION_ID }],
    settingsFrom(options),
    faults,
    () => clock.now(),
  );
  const recorder = new RequestRecorder(options.recordLimit ?? 10_000);
  const nonces = new NonceCache(() => 2 * state.settings.maxClockSkewMs);
  const joiner = new NodeJoiner({
    ...(options.kubeConfig ? { writer: new KubeNodeWriter(options.kubeConfig) } : {}),
    clusters: state.clusters,
    logger,
    heartbeatIntervalMs: () => state.settings.heartbeatIntervalMs,
  });
  const control = new SimulatorControl({ state, faults, recorder, nonces, joiner, clock, logger, initialFaults: options.faults ?? [] });
  return { state, faults, recorder, nonces, control };
}

export async function startAckSimulator(options: AckSimulatorOptions = {}): Promise<AckSimulator> {
  const logger = options.logger ?? silentLogger();
  const clock = options.clock ?? systemClock;
  const accessKeys = options.accessKeys ?? [{ accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET }];
  const secrets = new Map(accessKeys.map((pair) => [pair.accessKeyId, pair.accessKeySecret]));
  const [firstKey] = accessKeys;
  if (firstKey === undefined) {
    throw new Error('at least one AccessKey pair is required');
  }
  const { state, faults, recorder, nonces, control } = buildControl(options, logger, clock);
  const delays = new Delays();
  const pipeline = new AckPipeline({
    state, faults, recorder, nonces, clock, logger, delays,
    secretFor: (id) => secrets.get(id),
    advance: (now) => {
      control.advance(now);
    },
  });
  const { server, port } = await startServer(options.port ?? 0, { pipeline, control, logger });
  const ticker = startTicker(control, logger, options.tickIntervalMs ?? 100);
  const endpoint = `${SIMULATOR_HOST}:${port}`;
  logger.info('ack simulator listening', { endpoint, accessKeyId: firstKey.accessKeyId, clusters: state.clusters.list().map((c) => c.config.clusterId) });
  return {
    endpoint,
    port,
    url: `http://${endpoint}`,
    accessKeyId: firstKey.accessKeyId,
    accessKeySecret: firstKey.accessKeySecret,
    control,
    tick: () => control.tick(),
    reset: () => {
      control.reset();
    },
    close: async () => {
      await ticker.stop();
      delays.releaseAll();
      await stopServer(server);
      logger.info('ack simulator stopped', { endpoint });
    },
  };
}

function startTicker(control: SimulatorControl, logger: Logger, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running !== undefined) {
      return;
    }
    running = control
      .tick()
      .catch((error: unknown) => {
        logger.error('ack simulator tick failed', { error: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
