// Mocha root hooks of the integration suite: one real etcd + kube-apiserver + kube-controller-manager
// (disruption and garbage-collector controllers) for the whole run, the kubelet substitute's pod
// reaper, CRDs installed, always torn down — also on Ctrl-C (the kernel kills the binaries if we die).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ALL_ASSETS, locateAssets } from '../../src/local-control-plane/assets.js';
import { startLocalControlPlane, type LocalControlPlane } from '../../src/local-control-plane/control-plane.js';
import { installCrds } from '../../src/local-control-plane/install-crds.js';
import { setControlPlane } from './testbed.js';

const repoRoot = join(fileURLToPath(import.meta.url), '..', '..', '..');
let controlPlane: LocalControlPlane | undefined;

async function shutdown(): Promise<void> {
  const cp = controlPlane;
  controlPlane = undefined;
  setControlPlane(undefined);
  await cp?.stop();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void shutdown().finally(() => process.exit(130));
  });
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(180_000);
    // Every binary, helm included: a missing one fails the run here, naming the command that builds it.
    const assets = locateAssets(repoRoot, process.env, ALL_ASSETS);
    const started = Date.now();
    controlPlane = await startLocalControlPlane(assets, { controllerManager: true, podReaper: true });
    const crds = await installCrds(controlPlane.kubeConfig, join(repoRoot, 'crds'));
    setControlPlane(controlPlane);
    console.log(`  test control plane: kube-apiserver ${controlPlane.kubernetesVersion}, etcd ${controlPlane.etcdVersion}, ` +
      `${crds.length} CRD(s), ready in ${((Date.now() - started) / 1000).toFixed(1)}s (${controlPlane.server})`);
    const kcm = controlPlane.controllerManager;
    if (kcm) console.log(`  kube-controller-manager: ${kcm.controllers.join(', ')}; started in ${(kcm.startMs / 1000).toFixed(1)}s`);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await shutdown();
  },
};
