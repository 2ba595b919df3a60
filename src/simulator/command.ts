// `simulate-ack`: runs the ACK simulator in the foreground until SIGINT or SIGTERM (or the given
// abort signal), printing the endpoint and the AccessKey to configure the operator with.
import { KubeConfig } from '@kubernetes/client-node';
import winston, { type Logger } from 'winston';
import { FlagError, LOG_LEVELS, parseCommandFlags, USAGE, type CommandOptions } from './command-flags.js';
import { startAckSimulator, type AckSimulator } from './index.js';

export interface SimulateAckCommandOptions {
  /** Stops the simulator when aborted (in addition to SIGINT/SIGTERM). */
  signal?: AbortSignal;
  logger?: Logger;
}

function createCommandLogger(level: string): Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    defaultMeta: { component: 'ack-simulator' },
    transports: [new winston.transports.Console({ stderrLevels: LOG_LEVELS })],
  });
}

function poolLines(simulator: AckSimulator, clusterId: string): string[] {
  const pools = simulator.control.listNodePools(clusterId) ?? [];
  const describe = (pool: (typeof pools)[number]): string =>
    `${pool.nodepoolId} (${pool.name}, ${pool.type}, ${pool.runtime}${pool.autoScaling ? ', autoscaling' : ''}${pool.autoMode ? ', auto mode' : ''}, desired ${pool.desiredSize})`;
  return pools.length === 0 ? ['  node pools:        none'] : pools.map((pool, index) => `  ${index === 0 ? 'node pools:       ' : '                  '} ${describe(pool)}`);
}

function describeStart(simulator: AckSimulator, options: CommandOptions): string {
  const { cluster } = options;
  const secret = options.secretGiven ? '(the one given with --access-key-secret)' : simulator.accessKeySecret;
  return [
    `ACK simulator listening on ${simulator.endpoint}`,
    `  SDK config:        { endpoint: '${simulator.endpoint}', protocol: 'http' }`,
    `  access key id:     ${simulator.accessKeyId}`,
    `  access key secret: ${secret}`,
    `  cluster:           ${cluster.clusterId} (${cluster.regionId ?? ''}${cluster.sandbox === false ? '' : ', sandboxed containers'})`,
    ...poolLines(simulator, cluster.clusterId),
    `  nodes join:        ${options.kubeconfigPath ?? 'nowhere (no --kubeconfig)'}`,
    `  admin API:         ${simulator.url}/_sim/  (see docs/simulator.md)`,
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

function waitForStop(signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const stop = (reason: string): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      signal?.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    const onInt = (): void => {
      stop('SIGINT');
    };
    const onTerm = (): void => {
      stop('SIGTERM');
    };
    const onAbort = (): void => {
      stop('abort');
    };
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (signal?.aborted) {
      onAbort();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function kubeConfigFrom(path: string | undefined): KubeConfig | undefined {
  if (path === undefined) {
    return undefined;
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return kubeConfig;
}

/** Returns the process exit code: 0 after a clean stop, 2 for bad flags, 1 when the simulator cannot start. */
export async function simulateAckCommand(
  argv: string[],
  out: NodeJS.WritableStream,
  runOptions: SimulateAckCommandOptions = {},
): Promise<number> {
  let options: CommandOptions;
  try {
    options = parseCommandFlags(argv);
  } catch (error) {
    out.write(`${error instanceof FlagError ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const logger = runOptions.logger ?? createCommandLogger(options.logLevel);
  let simulator: AckSimulator;
  try {
    const kubeConfig = kubeConfigFrom(options.kubeconfigPath);
    simulator = await startAckSimulator({
      port: options.port,
      logger,
      seed: options.seed,
      accessKeys: [{ accessKeyId: options.accessKeyId, accessKeySecret: options.accessKeySecret }],
      clusters: [options.cluster],
      faults: options.faults,
      ...options.settings,
      ...(kubeConfig ? { kubeConfig } : {}),
    });
  } catch (error) {
    out.write(`ACK simulator could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  out.write(describeStart(simulator, options));
  const reason = await waitForStop(runOptions.signal);
  logger.info('ack simulator stopping', { reason });
  await simulator.close();
  out.write('ACK simulator stopped.\n');
  return 0;
}
