// The integration tests' view of the one control plane that test/support/root-hooks.ts starts
// per run: a real kube-apiserver + etcd with the CRDs installed, kube-controller-manager (disruption
// and garbage-collector controllers) and the kubelet substitute's pod reaper. Pods on simulated
// Nodes: createRunningPod in src/local-control-plane/kubelet-substitute.ts (see docs/testbed.md).
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ControlPlaneAssets } from '../../src/local-control-plane/assets.js';
import type { LocalControlPlane, RunningControllerManager } from '../../src/local-control-plane/control-plane.js';
import type { PodReaper } from '../../src/local-control-plane/kubelet-substitute.js';

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface Testbed {
  kubeConfig: KubeConfig;
  kubeconfigPath: string;
  assets: ControlPlaneAssets;
  kubernetesVersion: string;
  kubectl(args: string[], opts?: { input?: string; allowFailure?: boolean }): Promise<CommandResult>;
  restartApiServer(): Promise<void>;
  /** The running kube-controller-manager (its controllers, port, log file). */
  controllerManager: RunningControllerManager | undefined;
  /** Removes bound pods once they are being deleted, as their kubelet would. */
  podReaper: PodReaper | undefined;
}

let current: LocalControlPlane | undefined;

export function setControlPlane(cp: LocalControlPlane | undefined): void {
  current = cp;
}

export function run(binary: string, args: string[], opts: { input?: string; allowFailure?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(binary, args, { env: opts.env ?? process.env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      if (code !== 0 && !opts.allowFailure) {
        reject(new Error(`${binary} ${args.join(' ')} exited ${code}:\n${stderr}${stdout}`));
        return;
      }
      resolve({ stdout, stderr, code });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export function testbed(): Testbed {
  const cp = current;
  if (!cp) throw new Error('the test control plane is not running (integration tests need test/support/root-hooks.ts)');
  return {
    kubeConfig: cp.kubeConfig,
    kubeconfigPath: cp.kubeconfigPath,
    assets: cp.assets,
    kubernetesVersion: cp.kubernetesVersion,
    kubectl: (args, opts) => run(cp.assets.kubectl, ['--kubeconfig', cp.kubeconfigPath, ...args], opts),
    restartApiServer: () => cp.restartApiServer(),
    controllerManager: cp.controllerManager,
    podReaper: cp.podReaper,
  };
}

export async function createTestNamespace(prefix = 'test'): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await testbed().kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}
