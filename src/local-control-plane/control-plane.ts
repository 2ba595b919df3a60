// A real etcd + kube-apiserver on 127.0.0.1, started the way controller-runtime's envtest does it:
// used by the integration tests (once per run) and by the demo. Nothing here is mocked.
import { KubeConfig } from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlPlaneAssets } from './assets.js';
import { kubeconfigYaml, writeCredentials, type ControlPlaneCredentials } from './credentials.js';
import { ManagedProcess } from './managed-process.js';
import { freePort, waitUntil } from './net.js';

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
  restartApiServer(): Promise<void>;
  stop(): Promise<void>;
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

function probe(url: string, ca?: string, token?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const onResponse = (res: { statusCode?: number; resume(): void }): void => {
      res.resume();
      resolve(res.statusCode === 200);
    };
    const req = url.startsWith('https:')
      ? httpsGet(url, { ca, headers: token ? { authorization: `Bearer ${token}` } : {} }, onResponse)
      : httpGet(url, onResponse);
    req.on('error', () => { resolve(false); });
    req.setTimeout(5000, () => req.destroy());
  });
}

function addressInUse(p: ManagedProcess): boolean {
  return p.hasExited() && /address already in use/i.test(p.logTail(50));
}

function exitedWithLog(p: ManagedProcess): string | undefined {
  return p.hasExited() ? `${p.name} exited during start; last log lines:\n${p.logTail()}` : undefined;
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
      await waitUntil('etcd', () => probe(`${url}/health`), START_TIMEOUT_MS, () => exitedWithLog(proc));
      return { proc, url };
    } catch (err) {
      await proc.stop();
      if (attempt >= 3 || !addressInUse(proc)) throw err;
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
        await waitUntil('kube-apiserver', () => this.isReady(), START_TIMEOUT_MS, () => exitedWithLog(proc));
        return;
      } catch (err) {
        await proc.stop();
        if (attempt >= 3 || !addressInUse(proc)) throw err;
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

export async function startLocalControlPlane(assets: ControlPlaneAssets): Promise<LocalControlPlane> {
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
    return {
      kubeConfig, kubeconfigPath, server, dir, assets,
      kubernetesVersion: await serverVersion(kubeConfig),
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
