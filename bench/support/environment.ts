// What every benchmark runs against, all on 127.0.0.1: its own etcd + kube-apiserver (the same local
// control plane the integration tests use) with the CRDs installed, a namespace with the AccessKey
// Secret, and the ACK simulator in this process, whose nodes join the control plane like kubelets.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateAssets } from '../../src/local-control-plane/assets.js';
import { startLocalControlPlane, type LocalControlPlane } from '../../src/local-control-plane/control-plane.js';
import { installCrds } from '../../src/local-control-plane/install-crds.js';
import { startAckSimulator, type AckSimulator, type AckSimulatorOptions, type ClusterConfig } from '../../src/simulator/index.js';
import { CloudArrivals } from './cloud-arrivals.js';
import { KubeHttp } from './kube-http.js';
import { REPO_ROOT } from './repo.js';
import { log } from './report.js';

export interface BenchEnvironment {
  runId: string;
  controlPlane: LocalControlPlane;
  kube: KubeHttp;
  sim: AckSimulator;
  arrivals: CloudArrivals;
  namespace: string;
  /** Folder for the operator's log (kept after the run, for a look at what happened). */
  workDir: string;
  /** Registers a simulated ACK cluster that accepts this benchmark's scale-outs. */
  addCluster(clusterId: string, overrides?: Partial<ClusterConfig>): void;
  close(): Promise<void>;
}

export const SECRET_NAME = 'ack-credentials';

export function newClusterId(): string {
  return `c${randomBytes(16).toString('hex')}`;
}

export async function startEnvironment(simOptions: AckSimulatorOptions = {}): Promise<BenchEnvironment> {
  const runId = randomBytes(3).toString('hex');
  const controlPlane = await startLocalControlPlane(locateAssets(REPO_ROOT));
  const closers: (() => Promise<void>)[] = [() => controlPlane.stop()];
  try {
    await installCrds(controlPlane.kubeConfig, join(REPO_ROOT, 'crds'));
    const kube = new KubeHttp(controlPlane.kubeConfig);
    closers.unshift(() => { kube.close(); return Promise.resolve(); });
    const namespace = `bench-${runId}`;
    await kube.request('POST', '/api/v1/namespaces', { metadata: { name: namespace } });
    const arrivals = new CloudArrivals();
    const sim = await startAckSimulator({
      kubeConfig: controlPlane.kubeConfig, logger: arrivals.logger(), clusters: [],
      taskDurationMs: 0, joinDelayMs: 0, heartbeatIntervalMs: 0, tickIntervalMs: 20, recordLimit: 500_000,
      ...simOptions,
    });
    closers.unshift(() => sim.close());
    arrivals.attach(sim);
    await kube.request('POST', `/api/v1/namespaces/${namespace}/secrets`, {
      metadata: { name: SECRET_NAME }, stringData: { accessKeyId: sim.accessKeyId, accessKeySecret: sim.accessKeySecret },
    });
    const workDir = mkdtempSync(join(tmpdir(), `sco-bench-${runId}-`));
    log(`  environment: kube-apiserver ${controlPlane.kubernetesVersion}, etcd ${controlPlane.etcdVersion} on 127.0.0.1; ACK simulator ${sim.endpoint}; logs in ${workDir}`);
    return {
      runId, controlPlane, kube, sim, arrivals, namespace, workDir,
      addCluster(clusterId, overrides = {}) {
        sim.control.upsertCluster({ clusterId, regionId: 'cn-hangzhou', nodeQuota: 100_000, vswitchZones: { 'vsw-aaa': 'cn-hangzhou-h' }, ...overrides });
      },
      async close() {
        for (const close of closers) await close().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const close of closers) await close().catch(() => undefined);
    throw err;
  }
}
