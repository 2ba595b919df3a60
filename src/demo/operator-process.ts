// The operator as the demo runs it: a real process (src/main.ts) pointed at the local
// kube-apiserver and the ACK simulator, logging to a file in the control plane's temp folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalControlPlane } from '../local-control-plane/control-plane.js';
import type { AckSimulator } from '../simulator/index.js';

export interface OperatorProcess {
  child: ChildProcess;
  logFile: string;
}

export function startOperatorProcess(repoRoot: string, cp: LocalControlPlane, sim: AckSimulator, clusterId: string): OperatorProcess {
  const logFile = join(cp.dir, 'operator.log');
  const log = openSync(logFile, 'a');
  // Port 0: the operator binds free ports and logs them (metricsAddress reads them back). Node
  // with tsx as a loader, not the tsx CLI: that one relays Ctrl-C to its child and SIGKILLs it when
  // the child does not acknowledge within 60 ms, as happens on a busy machine.
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'main.ts'),
    '--kubeconfig', cp.kubeconfigPath, '--cloud-endpoint', sim.url, '--cluster-id', clusterId,
    '--metrics-bind-address', '127.0.0.1:0', '--health-probe-bind-address', '127.0.0.1:0', '--log-level', 'debug'], {
    cwd: repoRoot,
    stdio: ['ignore', log, log],
    // The example uses the default credential chain; its first link is the environment.
    env: { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: sim.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: sim.accessKeySecret, POD_NAME: 'demo-operator' },
  });
  return { child, logFile };
}

/** The metrics address in the operator's "starting" log line, if the log has it yet. */
function loggedMetricsAddress(log: string): string | undefined {
  for (const line of log.split('\n').filter((l) => l.includes('"starting"'))) {
    try {
      const entry = JSON.parse(line) as { message?: string; metrics?: unknown };
      if (entry.message === 'starting' && typeof entry.metrics === 'string') return entry.metrics;
    } catch {
      // a line still being written; read again on the next pass
    }
  }
  return undefined;
}

/** The address of the operator's /metrics, from its log; undefined if it does not come in time. */
export async function metricsAddress(logFile: string, timeoutMs: number, signal: AbortSignal): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal.aborted) {
    const address = loggedMetricsAddress(readFileSync(logFile, 'utf8'));
    if (address) return address;
    await sleep(200, undefined, { signal }).catch(() => undefined);
  }
  return undefined;
}

export async function stopOperatorProcess(operator: OperatorProcess | undefined): Promise<void> {
  const child = operator?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
