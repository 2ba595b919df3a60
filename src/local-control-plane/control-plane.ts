// A real etcd + kube-apiserver on 127.0.0.1, started the way controller-runtime's envtest does it,
// optionally with kube-controller-manager and the kubelet substitute's pod reaper: used by the
// integration tests (once per run), the demo, the benchmarks and the chaos run. Nothing is mocked.
import { KubeConfig } from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlPlaneAssets } from './assets.js';
import { ControllerManager, type ControllerManagerOptions } from './controller-manager.js';
import { kubeconfigYaml, writeCredentials, type ControlPlaneCredentials } from './credentials.js';
import { PodReaper } from './kubelet-substitute.js';
import { ManagedProcess } from './managed-process.js';
import { freePort, probe, waitUntil } from './net.js';

const DIR_PREFIX = 'sco-control-plane-';
const START_TIMEOUT_MS = 120_000;

export interface LocalControlPlane {
  readonly kubeConfig: KubeConfig;
  readonly kubeconfigPath: string;
  readonly server: string;
  readonly dir: string;
  readonly kubernetesVersion: string;
  readonly etcdVersion: string;
  readonly assets: ControlPlaneAssets;
  /** Set when started with the `controllerManager` option. */
  readonly controllerManager?: RunningControllerManager;
  /** Set when started with the `podReaper` option. */
  readonly podReaper?: PodReaper;
  restartApiServer(): Promise<void>;
  stop(): Promise<void>;
}

export interface RunningControllerManager {
  readonly controllers: readonly string[];
  /** Its secure port on 127.0.0.1 (/healthz, /metrics). */
  readonly port: number;
  readonly logFile: string;
  /** From its spawn until every requested controller had started. */
  readonly startMs: number;
}

export interface LocalControlPlaneOptions {
  /**
   * Also run kube-controller-manager, with the admin credential, no leader election and only the
   * given controllers (true: DEFAULT_CONTROLLERS, i.e. disruption and garbage collector).
   * Needs its binary: `bash scripts/test-assets.sh kube-controller-manager`.
   */
  controllerManager?: boolean | ControllerManagerOptions;
  /** Also run the PodReaper of src/local-control-plane/kubelet-substitute.ts (no kubelet here). */
  podReaper?: boolean;
}

function tempRoot(): string {
  // tmpfs keeps etcd's fsyncs off the disk; fall back to the ordinary temp dir.
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes the folders of earlier runs whose process died without cleaning up (SIGKILL, power loss). */
function sweepStaleDirs(root: string): void {
  for (const name of readdirSync(root)) {
    const pid = Number(/^sco-control-plane-(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) rmSync(join(root, name), { recursive: true, force: true });
  }
}

async function startEtcd(assets: ControlPlaneAssets, dir: string): Promise<{ proc: ManagedProcess; url: string }> {
  for (let attempt = 1; ; attempt++) {
    const [client, peer] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${client}`;
    const proc = new ManagedProcess('etcd', assets.etcd, [
      '--name=default', `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${url}`, `--advertise-client-urls=${url}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=default=http://127.0.0.1:${peer}`,
      '--unsafe-no-fsync=true', '--log-level=warn',
    ], join(dir, 'etcd.log'));
    try {
      await waitUntil('etcd', () => probe(`${url}/health`), START_TIMEOUT_MS, () => proc.exitReport());
      return { proc, url };
    } catch (err) {
      await proc.stop();
      if (attempt >= 3 || !proc.diedOfAddressInUse()) throw err;
    }
  }
}

function apiServerArgs(etcdUrl: string, port: number, dir: string, creds: ControlPlaneCredentials): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${port}`,
    `--cert-dir=${join(dir, 'certs')}`,
    `--token-auth-file=${creds.tokenFile}`,
    `--service-account-issuer=https://127.0.0.1:${port}`,
    `--service-account-key-file=${creds.serviceAccountPub}`,
    `--service-account-signing-key-file=${creds.serviceAccountKey}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--authorization-mode=RBAC', '--allow-privileged=true',
    // No kube-controller-manager runs, so no "default" ServiceAccount would ever appear.
    '--disable-admission-plugins=ServiceAccount',
    '--endpoint-reconciler-type=none',
    '--profiling=false',
  ];
}

class ApiServer {
  proc: ManagedProcess | undefined;
  port = 0;

  constructor(
    private readonly assets: ControlPlaneAssets,
    private readonly dir: string,
    private readonly etcdUrl: string,
    private readonly creds: ControlPlaneCredentials,
  ) {}

  get caFile(): string {
    // kube-apiserver's self-signed serving cert file holds the leaf followed by its CA.
    return join(this.dir, 'certs', 'apiserver.crt');
  }

  async start(fixedPort?: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.port = fixedPort ?? (await freePort());
      const proc = new ManagedProcess('kube-apiserver', this.assets.kubeApiserver,
        apiServerArgs(this.etcdUrl, this.port, this.dir, this.creds), join(this.dir, 'kube-apiserver.log'));
      this.proc = proc;
      try {
        await waitUntil('kube-apiserver', () => this.isReady(), START_TIMEOUT_MS, () => proc.exitReport());
        return;
      } catch (err) {
        await proc.stop();
        if (attempt >= 3 || !proc.diedOfAddressInUse()) throw err;
      }
    }
  }

  private async isReady(): Promise<boolean> {
    if (!existsSync(this.caFile)) return false;
    return probe(`https://127.0.0.1:${this.port}/readyz`, readFileSync(this.caFile, 'utf8'), this.creds.adminToken);
  }
}

function etcdVersion(assets: ControlPlaneAssets): string {
  const out = execFileSync(assets.etcd, ['--version'], { encoding: 'utf8' });
  return /etcd Version:\s*(\S+)/.exec(out)?.[1] ?? 'unknown';
}

async function serverVersion(kc: KubeConfig): Promise<string> {
  const { VersionApi } = await import('@kubernetes/client-node');
  const info = await kc.makeApiClient(VersionApi).getCode();
  return info.gitVersion;
}

/** kube-controller-manager and the pod reaper, as asked for; both are stopped by `stopAll`. */
interface Started {
  assets: ControlPlaneAssets;
  dir: string;
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  stopAll: (() => Promise<void>)[];
}

async function startExtras(
  { assets, dir, kubeconfigPath, kubeConfig, stopAll }: Started, options: LocalControlPlaneOptions,
): Promise<{ controllerManager?: RunningControllerManager; podReaper?: PodReaper }> {
  const startKcm = async (): Promise<RunningControllerManager | undefined> => {
    if (!options.controllerManager) return undefined;
    const kcm = new ControllerManager(assets, dir, kubeconfigPath, options.controllerManager === true ? {} : options.controllerManager);
    stopAll.push(() => kcm.stop());
    const started = Date.now();
    await kcm.start();
    return { controllers: kcm.controllers, port: kcm.port, logFile: kcm.logFile, startMs: Date.now() - started };
  };
  const startReaper = async (): Promise<PodReaper | undefined> => {
    if (!options.podReaper) return undefined;
    const reaper = new PodReaper(kubeConfig);
    stopAll.push(() => reaper.stop());
    await reaper.start();
    return reaper;
  };
  const [controllerManager, podReaper] = await Promise.all([startKcm(), startReaper()]);
  return { controllerManager, podReaper };
}

export async function startLocalControlPlane(assets: ControlPlaneAssets, options: LocalControlPlaneOptions = {}): Promise<LocalControlPlane> {
  const root = tempRoot();
  sweepStaleDirs(root);
  const dir = mkdtempSync(join(root, `${DIR_PREFIX}${process.pid}-`));
  mkdirSync(join(dir, 'certs'));
  const stopAll: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stopAll.reverse()) await s();
    stopAll.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const creds = writeCredentials(dir);
    const etcd = await startEtcd(assets, dir);
    stopAll.push(() => etcd.proc.stop());
    const api = new ApiServer(assets, dir, etcd.url, creds);
    stopAll.push(async () => api.proc?.stop());
    await api.start();
    const server = `https://127.0.0.1:${api.port}`;
    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfigYaml(server, readFileSync(api.caFile, 'utf8'), creds.adminToken), { mode: 0o600 });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);
    const [extras, kubernetesVersion] = await Promise.all([
      startExtras({ assets, dir, kubeconfigPath, kubeConfig, stopAll }, options), serverVersion(kubeConfig),
    ]);
    return {
      kubeConfig, kubeconfigPath, server, dir, assets, ...extras, kubernetesVersion,
      etcdVersion: etcdVersion(assets),
      restartApiServer: async () => {
        await api.proc?.stop();
        await api.start(api.port);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
