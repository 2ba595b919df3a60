#!/usr/bin/env node
// Entry point: `sandbox-capacity-operator [flags]` runs the controller; `simulate-ack` runs the
// local ACK simulator. SIGTERM/SIGINT stop gracefully: no new work, the reconcile in progress
// finishes, the leader lease is released. Exit codes: 0 stopped, 1 could not start or crashed
// (one JSON log line says why), 2 bad flags (with the usage).
import type { Logger } from 'winston';
import { parseConfig, usage, type OperatorConfig } from './config.js';
import { BUILD_INFO } from './observability/build-info.js';
import { createLogger } from './observability/logger.js';
import { startOperator, type RunningOperator } from './operator.js';
import { checkKubeconfig, describeStartupFailure } from './startup-failure.js';

/** Exit code of a start-up failure or crash; main() ends the process on it (servers may be open). */
const FAILED = 1;

async function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => { resolve(signal); });
  });
}

/** Crashes after start-up are logged like everything else, as one JSON line, then exit 1. */
function logCrashes(logger: Logger): void {
  const crash = (kind: string) => (err: unknown): void => {
    logger.error('crashed', { kind, error: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });
    process.exit(FAILED);
  };
  process.on('uncaughtException', crash('uncaughtException'));
  process.on('unhandledRejection', crash('unhandledRejection'));
}

async function start(config: OperatorConfig, logger: Logger): Promise<RunningOperator | undefined> {
  const failure = checkKubeconfig(config);
  if (failure) {
    logger.error(failure.message, failure.fields);
    return undefined;
  }
  try {
    return await startOperator(config, logger);
  } catch (err) {
    const described = describeStartupFailure(err, config);
    logger.error(described.message, described.fields);
    return undefined;
  }
}

async function runController(argv: string[]): Promise<number> {
  let config;
  try {
    config = parseConfig(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${usage()}`);
    return 2;
  }
  if (config === 'help' || config === 'version') {
    process.stdout.write(config === 'help' ? usage() : `sandbox-capacity-operator ${BUILD_INFO.version}\n`);
    return 0;
  }
  const logger = createLogger(config.logLevel);
  logCrashes(logger);
  const operator = await start(config, logger);
  if (!operator) return FAILED;
  const signal = await waitForSignal();
  logger.info('stopping', { signal });
  await operator.stop();
  logger.info('stopped');
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'simulate-ack') {
    const controller = new AbortController();
    void waitForSignal().then(() => { controller.abort(); });
    // Loaded only here: the controller process does not carry the simulator's code.
    const { simulateAckCommand } = await import('./simulator/command.js');
    return simulateAckCommand(argv.slice(1), process.stdout, { signal: controller.signal });
  }
  return runController(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    // A failed start may leave a bound server behind: end the process rather than hang.
    if (code === FAILED) process.exit(FAILED);
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stdout.write(`${JSON.stringify({ timestamp: new Date().toISOString(), level: 'error', message: 'crashed', error: err instanceof Error ? err.message : String(err) })}\n`);
    process.exit(FAILED);
  },
);
