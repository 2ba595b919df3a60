#!/usr/bin/env node
// Entry point: `sandbox-capacity-operator [flags]` runs the controller; `simulate-ack` runs the
// local ACK simulator. SIGTERM/SIGINT stop gracefully: no new work, the reconcile in progress
// finishes, the leader lease is released.
import { parseConfig, usage } from './config.js';
import { createLogger } from './observability/logger.js';
import { startOperator } from './operator.js';

async function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => { resolve(signal); });
  });
}

async function runController(argv: string[]): Promise<number> {
  let config;
  try {
    config = parseConfig(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${usage()}`);
    return 2;
  }
  if (config === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  const logger = createLogger(config.logLevel);
  const operator = await startOperator(config, logger);
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
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
