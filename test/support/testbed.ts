// The integration tests' view of the one control plane that test/support/root-hooks.ts starts
// per run: a real kube-apiserver + etcd with the CRDs installed.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ControlPlaneAssets } from '../../src/local-control-plane/assets.js';
import type { LocalControlPlane } from '../../src/local-control-plane/control-plane.js';

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
  };
}

export async function createTestNamespace(prefix = 'test'): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await testbed().kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}
