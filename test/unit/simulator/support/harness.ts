// Starts a simulator with a manual clock and a real SDK client pointed at it.
import winston from 'winston';
import { startAckSimulator, type AckSimulator, type AckSimulatorOptions } from '../../../../src/simulator/index.js';
import { ManualClock } from './manual-clock.js';
import { csClient, type CsClient } from './sdk.js';

export const CLUSTER_ID = 'c82e6987e2961451182edacd74faf0000';

export interface Harness {
  sim: AckSimulator;
  client: CsClient;
  clock: ManualClock;
}

export async function startHarness(options: AckSimulatorOptions = {}): Promise<Harness> {
  const clock = new ManualClock();
  const sim = await startAckSimulator({
    clock,
    logger: winston.createLogger({ silent: true }),
    tickIntervalMs: 60_000,
    ...options,
  });
  return { sim, clock, client: csClient(sim) };
}
