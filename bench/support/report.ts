// How a benchmark reports: human-readable figures as it goes, then the command that reproduces them,
// then one machine-readable JSON line.
import { cpus, loadavg, totalmem } from 'node:os';

export interface BenchOptions {
  samples: number;
  nodes: number;
  resources: number;
  repeat: number;
  scenario: 'single' | 'loaded' | 'both';
  idleSeconds: number;
  steadySeconds: number;
  durationSeconds: number;
  churnConcurrency: number;
  shortfall: number;
  convergeResources: number;
  taskSeconds: number;
  operatorDist?: string;
  /** Extra operator flags for every run (--operator-args). */
  operatorArgs: string[];
  /** Node.js flags of the operator process (--node-args). */
  nodeArgs: string[];
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function machine(): Record<string, unknown> {
  const cpu = cpus();
  return {
    nproc: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version,
    // Other work on the machine when the run ended (1, 5, 15 minutes): figures from a busy machine are noisier.
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export function printResult(command: string, result: Record<string, unknown>): void {
  log(`reproduce: ${command}`);
  log(JSON.stringify({ ...result, command, machine: machine(), date: new Date().toISOString() }));
}
