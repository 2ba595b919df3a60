// Starts the compiled operator against a benchmark environment and waits until it has caught up.
import { join } from 'node:path';
import { waitFor } from './clock.js';
import type { BenchEnvironment } from './environment.js';
import { isSettled, listCapacities } from './fleet.js';
import { buildOperator, OperatorProcess } from './operator-process.js';
import type { BenchOptions } from './report.js';

/** How the operator of a benchmark is started: the compiled entry point, Node.js flags, operator flags. */
export interface OperatorLaunch {
  mainJs: string;
  nodeArgs: readonly string[];
  flags: readonly string[];
}

export function operatorLaunch(options: BenchOptions): OperatorLaunch {
  return { mainJs: buildOperator(options.operatorDist).mainJs, nodeArgs: options.nodeArgs, flags: options.operatorArgs };
}

export interface StartedOperator {
  operator: OperatorProcess;
  /** Process start → /readyz (caches synced). */
  syncSeconds: number;
  /** Process start → every SandboxCapacity settled. */
  settleSeconds: number;
}

/**
 * --cluster-id for the clusters a benchmark's resources use: the bench's Nodes belong to many simulated
 * clusters on one API server, and the operator buys only for the ones it is told it runs in.
 */
export function clusterIdFlag(clusterIds: readonly string[]): string[] {
  return ['--cluster-id', clusterIds.join(',')];
}

export async function startOperatorFor(env: BenchEnvironment, launch: OperatorLaunch, extraFlags: readonly string[] = [], label = 'operator'): Promise<StartedOperator> {
  const operator = await OperatorProcess.start({
    mainJs: launch.mainJs, nodeArgs: launch.nodeArgs, kubeconfigPath: env.controlPlane.kubeconfigPath, namespace: env.namespace,
    cloudEndpoint: `http://${env.sim.endpoint}`, logFile: join(env.workDir, `${label}.log`), extraFlags: [...launch.flags, ...extraFlags],
  });
  try {
    const syncSeconds = await operator.waitReady();
    await waitAllSettled(env, 600_000);
    return { operator, syncSeconds, settleSeconds: (Date.now() - operator.startedAt) / 1000 };
  } catch (err) {
    await operator.stop();
    throw err;
  }
}

export async function waitAllSettled(env: BenchEnvironment, timeoutMs: number): Promise<void> {
  await waitFor('every SandboxCapacity settled', async () => (await listCapacities(env)).every(isSettled), timeoutMs, 250);
}
