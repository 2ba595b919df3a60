// kube-controller-manager for the local control plane, running only the controllers tests need:
// the disruption controller computes PodDisruptionBudget status (without it the Eviction API
// refuses every pod a budget selects, "still being processed"), and the garbage collector deletes
// dependents of deleted owners (pods of a ReplicaSet, the Lease of a Node) as a real cluster does.
// Like etcd and kube-apiserver it listens on 127.0.0.1 only and cannot outlive the test process.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlaneAssets } from './assets.js';
import { ManagedProcess } from './managed-process.js';
import { freePort, probeText, waitUntil } from './net.js';

/** Controller names as kube-controller-manager --controllers takes them (k/k cmd/kube-controller-manager/names). */
export const DEFAULT_CONTROLLERS: readonly string[] = ['disruption-controller', 'garbage-collector-controller'];

const START_TIMEOUT_MS = 120_000;

export interface ControllerManagerOptions {
  /** Which controllers run; default DEFAULT_CONTROLLERS. */
  controllers?: readonly string[];
}

function controllerManagerArgs(kubeconfig: string, port: number, certDir: string, controllers: readonly string[]): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    // Its own secure port checks callers against the API server, with the same admin credential.
    `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1', `--secure-port=${port}`, `--cert-dir=${certDir}`,
    `--controllers=${controllers.join(',')}`,
    // One instance per control plane: nothing to elect, and no Lease writes every few seconds.
    '--leader-elect=false',
    // Every controller acts with the admin token: no service-account token controller is needed.
    '--use-service-account-credentials=false',
    '--profiling=false',
  ];
}

export class ControllerManager {
  proc: ManagedProcess | undefined;
  port = 0;
  readonly controllers: readonly string[];

  constructor(
    private readonly assets: ControlPlaneAssets,
    private readonly dir: string,
    private readonly kubeconfigPath: string,
    options: ControllerManagerOptions = {},
  ) {
    this.controllers = options.controllers ?? DEFAULT_CONTROLLERS;
    if (this.controllers.length === 0) throw new Error('controllerManager.controllers: name at least one controller');
  }

  get logFile(): string {
    return join(this.dir, 'kube-controller-manager.log');
  }

  private get certDir(): string {
    return join(this.dir, 'kube-controller-manager-certs');
  }

  /** Resolves once every requested controller has started (each adds its own /healthz check then). */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort();
      const proc = new ManagedProcess('kube-controller-manager', this.assets.kubeControllerManager,
        controllerManagerArgs(this.kubeconfigPath, this.port, this.certDir, this.controllers), this.logFile);
      this.proc = proc;
      try {
        await waitUntil('kube-controller-manager', () => this.controllersStarted(), START_TIMEOUT_MS, () => proc.exitReport());
        return;
      } catch (err) {
        await proc.stop();
        if (attempt >= 3 || !proc.diedOfAddressInUse()) throw err;
      }
    }
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }

  private async controllersStarted(): Promise<boolean> {
    // The serving certificate it self-signs for 127.0.0.1 (the file holds the leaf and its CA).
    const cert = join(this.certDir, 'kube-controller-manager.crt');
    if (!existsSync(cert)) return false;
    const { status, body } = await probeText(`https://127.0.0.1:${this.port}/healthz?verbose`, readFileSync(cert, 'utf8'));
    return status === 200 && this.controllers.every((c) => body.includes(`[+]${c} ok`));
  }
}
