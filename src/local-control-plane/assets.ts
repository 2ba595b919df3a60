// Finds the kube-apiserver, etcd, kubectl and helm binaries of the local control plane. They are
// built by scripts/test-assets.sh into a cache folder outside the repo (or taken from
// KUBEBUILDER_ASSETS, the envtest convention). A missing binary is a loud error that names the
// command installing it: integration tests must never skip silently.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

export interface ControlPlaneAssets {
  dir: string;
  kubeApiserver: string;
  etcd: string;
  kubectl: string;
  helm: string;
}

const INSTALL_HINT =
  'Install the test binaries with `npm run test:assets` (builds pinned versions from the Go module proxy into ' +
  '~/.cache/sandbox-capacity-operator/assets; needs Go >= 1.24), or set KUBEBUILDER_ASSETS to a folder ' +
  'holding kube-apiserver, etcd and kubectl (setup-envtest) and run `npm run test:assets` for helm.';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The cache folder scripts/test-assets.sh builds into (it alone knows the pinned versions). */
export function assetsDirectory(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('bash', [join(repoRoot, 'scripts', 'test-assets.sh'), '--path'], { env, encoding: 'utf8' }).trim();
}

export function locateAssets(repoRoot: string, env: NodeJS.ProcessEnv = process.env): ControlPlaneAssets {
  const dir = assetsDirectory(repoRoot, env);
  const fromEnvtest = env.KUBEBUILDER_ASSETS;
  const pick = (name: string): string => {
    const candidates = [join(dir, name), ...(fromEnvtest ? [join(fromEnvtest, name)] : [])];
    const found = candidates.find(isExecutable);
    if (!found) {
      throw new Error(`${name} not found (looked in ${candidates.join(', ')}). ${INSTALL_HINT}`);
    }
    return found;
  };
  return { dir, kubeApiserver: pick('kube-apiserver'), etcd: pick('etcd'), kubectl: pick('kubectl'), helm: pick('helm') };
}
