// Finds the test-bed binaries (kube-apiserver, etcd, kubectl, kube-controller-manager, helm). They
// are built by scripts/test-assets.sh into a cache folder outside the repo (or taken from
// KUBEBUILDER_ASSETS, the envtest convention). A missing binary is a loud error that names the
// command installing it: integration tests must never skip silently.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

export type AssetName = 'kube-apiserver' | 'etcd' | 'kubectl' | 'kube-controller-manager' | 'helm';

/** What etcd + kube-apiserver need, and what the demo, the benchmarks and the chaos run use. */
export const CONTROL_PLANE_ASSETS: readonly AssetName[] = ['kube-apiserver', 'etcd', 'kubectl'];
/** Everything scripts/test-assets.sh builds; the integration suite needs all of it. */
export const ALL_ASSETS: readonly AssetName[] = [...CONTROL_PLANE_ASSETS, 'kube-controller-manager', 'helm'];

export interface ControlPlaneAssets {
  readonly dir: string;
  readonly kubeApiserver: string;
  readonly etcd: string;
  readonly kubectl: string;
  /** Throws (naming the install command) when it was not built: only what needs it asks for it. */
  readonly kubeControllerManager: string;
  /** Throws (naming the install command) when it was not built: only what needs it asks for it. */
  readonly helm: string;
}

function installHint(name: AssetName): string {
  return `Install it with \`bash scripts/test-assets.sh ${name}\` (or \`npm run test:assets\` for every test binary): ` +
    'it builds the pinned version from the Go module proxy into ~/.cache/sandbox-capacity-operator/assets and needs ' +
    'Go >= 1.24. kube-apiserver, etcd and kubectl can come from KUBEBUILDER_ASSETS instead (setup-envtest).';
}

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

class LocatedAssets implements ControlPlaneAssets {
  constructor(readonly dir: string, private readonly fromEnvtest: string | undefined) {}

  get kubeApiserver(): string { return this.pick('kube-apiserver'); }
  get etcd(): string { return this.pick('etcd'); }
  get kubectl(): string { return this.pick('kubectl'); }
  get kubeControllerManager(): string { return this.pick('kube-controller-manager'); }
  get helm(): string { return this.pick('helm'); }

  pick(name: AssetName): string {
    const candidates = [join(this.dir, name), ...(this.fromEnvtest ? [join(this.fromEnvtest, name)] : [])];
    const found = candidates.find(isExecutable);
    if (!found) throw new Error(`${name} not found (looked in ${candidates.join(', ')}). ${installHint(name)}`);
    return found;
  }
}

/**
 * The binaries' paths. Those in `required` are checked now (a missing one throws at once); any
 * other is looked up when first used.
 */
export function locateAssets(
  repoRoot: string,
  env: NodeJS.ProcessEnv = process.env,
  required: readonly AssetName[] = CONTROL_PLANE_ASSETS,
): ControlPlaneAssets {
  const assets = new LocatedAssets(assetsDirectory(repoRoot, env), env.KUBEBUILDER_ASSETS);
  for (const name of required) assets.pick(name);
  return assets;
}
