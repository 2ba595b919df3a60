// The world of one chaos run: its namespace, its own ACK simulator and cluster id, a cuttable proxy
// between its controllers and the kube-apiserver, the controller processes it starts and kills, and
// a tracker that remembers every task id the status ever showed (to find tasks the controller lost)
// and, in node-pool mode, every lastWrite it ever held (to find writes no lastWrite announced). The
// tracker polls the status and watches it: a status version that lives shorter than a poll (a task
// adopted just before the resource is deleted and applied again) is still seen.
import { CoreV1Api, CustomObjectsApi, Watch, type KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GROUP, PLURAL, VERSION, type SandboxCapacity } from '../../src/api/sandbox-capacity.js';
import { startAckSimulator, type AckSimulator, type SimNodePoolView, type SimTaskView } from '../../src/simulator/index.js';
import { ControllerProcess } from './controller-process.js';
import { startCuttableProxy, type CuttableProxy } from './cuttable-proxy.js';
import { CHAOS_POOL_ID } from './node-pool-plan.js';
import type { RunPlan } from './run-plan.js';

export interface ChaosEnvironment {
  /** Admin credentials: the runner's own reads and writes, and the simulator's node joins. */
  kubeConfig: KubeConfig;
  kubeconfigPath: string;
  createNamespace(prefix: string): Promise<string>;
  /** Stops and starts kube-apiserver on the same port (etcd keeps the data); optional. */
  restartApiServer?: () => Promise<void>;
}

export const RESOURCE_NAME = 'workers';
/** The controllers' read timeout: short, so slow answers and lost responses turn into timeouts quickly. */
export const CLOUD_READ_TIMEOUT_MS = 4_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retries a call of the runner's own while the API server is away (the suite restarts it on purpose). */
export async function retrying<T>(call: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const definite = typeof code === 'number' && code >= 400 && code < 500 && code !== 429;
      if (definite || Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
}

/** A ModifyClusterNodePool of this run's pool as the simulator recorded it. */
export interface PoolWriteRecord {
  seq: number;
  /** When the simulator took the call (epoch ms). */
  at: number;
  desiredSize: number;
  status: number;
  /** It took effect (answered, or its answer lost after the write): ACK has a task for it. */
  carriedOut: boolean;
  faults: string[];
}

/** A lastWrite as some status version held it. */
export interface SeenLastWrite {
  desiredSize: number;
  /** Its time (epoch ms): when the controller persisted it, before calling. */
  at: number;
}

function spec(plan: RunPlan, clusterId: string): Record<string, unknown> {
  if (plan.mode === 'node-pool') {
    return {
      clusterId,
      regionId: 'cn-hangzhou',
      replicas: plan.initialReplicas,
      nodeSelector: { matchLabels: { 'alibabacloud.com/container-runtime': 'Sandboxed-Container.runv', 'ack.aliyun.com': clusterId } },
      nodePool: { id: CHAOS_POOL_ID, driftPolicy: 'Enforce' },
      credentials: { secretRef: { name: 'ack-credentials' } },
      limits: { maxNodesPerScaleOut: plan.maxNodesPerScaleOut, maxInFlightNodes: 40, taskTimeout: '30m', joinGracePeriod: '3s' },
      backoff: { initial: '500ms', max: '3s' },
    };
  }
  return {
    clusterId,
    regionId: 'cn-hangzhou',
    replicas: plan.initialReplicas,
    nodeSelector: { matchLabels: { 'alibabacloud.com/container-runtime': 'Sandboxed-Container.runv', 'ack.aliyun.com': clusterId } },
    scaleOut: { vswitchIds: ['vsw-aaa', 'vsw-bbb'], instanceTypes: ['ecs.ebmg5s.24xlarge'], keyPair: 'ops-key' },
    credentials: { secretRef: { name: 'ack-credentials' } },
    limits: { maxNodesPerScaleOut: plan.maxNodesPerScaleOut, maxInFlightNodes: 40, taskTimeout: '30m', joinGracePeriod: '3s', maxUnjoinedNodes: plan.maxUnjoinedNodes },
    backoff: { initial: '500ms', max: '3s' },
  };
}

/** A kubeconfig like the admin one, but pointing at the proxy. */
function proxiedKubeconfig(adminPath: string, proxyPort: number, file: string): string {
  const text = readFileSync(adminPath, 'utf8').replace(/(server:\s*https:\/\/127\.0\.0\.1:)\d+/, `$1${proxyPort}`);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

interface RunParts {
  plan: RunPlan;
  env: ChaosEnvironment;
  ns: string;
  clusterId: string;
  sim: AckSimulator;
  proxy: CuttableProxy;
  kubeconfigPath: string;
  logDir: string;
}

export class ChaosRun {
  readonly name: string;
  readonly controllers: ControllerProcess[] = [];
  /** Every task id any status read ever showed. */
  readonly seenTaskIds = new Set<string>();
  /** Node-pool mode: every lastWrite any status version showed (keyed desiredSize@time). */
  readonly seenLastWrites = new Map<string, SeenLastWrite>();
  /** Node-pool mode: instances the harness's out-of-band lowerings took away (they had to be bought again). */
  removedOutOfBand = 0;
  watchCuts = 0;
  recreations = 0;
  private starts = 0;
  private tracking: Promise<void> | undefined;
  private stopTracking = false;
  private statusWatch: { abort(): void } | undefined;

  readonly plan: RunPlan;
  readonly env: ChaosEnvironment;
  readonly ns: string;
  readonly clusterId: string;
  readonly sim: AckSimulator;
  readonly proxy: CuttableProxy;
  private readonly kubeconfigPath: string;
  private readonly logDir: string;

  private constructor(parts: RunParts) {
    ({ plan: this.plan, env: this.env, ns: this.ns, clusterId: this.clusterId, sim: this.sim, proxy: this.proxy, kubeconfigPath: this.kubeconfigPath, logDir: this.logDir } = parts);
    this.name = `run${String(parts.plan.index).padStart(3, '0')}`;
  }

  static async create(plan: RunPlan, env: ChaosEnvironment, logDir: string): Promise<ChaosRun> {
    const ns = await retrying(() => env.createNamespace('chaos'));
    const clusterId = `c${randomBytes(16).toString('hex')}`;
    const sim = await startAckSimulator({
      kubeConfig: env.kubeConfig, taskDurationMs: plan.taskDurationMs, joinDelayMs: plan.joinDelayMs, heartbeatIntervalMs: 0,
      seed: plan.simSeed, faults: plan.faults,
      clusters: [{
        clusterId, regionId: 'cn-hangzhou', maxConcurrentScaleOuts: plan.maxConcurrentScaleOuts,
        vswitchZones: { 'vsw-aaa': 'cn-hangzhou-h', 'vsw-bbb': 'cn-hangzhou-i' },
        ...(plan.mode === 'node-pool' ? { nodePools: [{ nodepoolId: CHAOS_POOL_ID, name: 'sandbox', vswitchIds: ['vsw-aaa', 'vsw-bbb'] }] } : {}),
      }],
    });
    const server = new URL(env.kubeConfig.getCurrentCluster()?.server ?? '');
    const proxy = await startCuttableProxy(server.hostname, Number(server.port));
    const kubeconfigPath = proxiedKubeconfig(env.kubeconfigPath, proxy.port, join(logDir, `${ns}.kubeconfig`));
    const run = new ChaosRun({ plan, env, ns, clusterId, sim, proxy, kubeconfigPath, logDir });
    await retrying(() => run.core().createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'ack-credentials' }, stringData: { accessKeyId: sim.accessKeyId, accessKeySecret: sim.accessKeySecret } },
    }));
    await run.createResource(plan.initialReplicas);
    run.tracking = run.track();
    run.watchStatus();
    return run;
  }

  private async createResource(replicas: number): Promise<void> {
    await retrying(() => this.objects().createNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace: this.ns, plural: PLURAL,
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'SandboxCapacity', metadata: { name: RESOURCE_NAME }, spec: { ...spec(this.plan, this.clusterId), replicas } },
    }));
  }

  /**
   * Deletes the resource and applies it again (Argo CD prune and recreate): annotated to abandon its
   * requests, or waiting for the finalizer to let go once they ended (abandoning after 90 s).
   */
  async recreate(abandon: boolean): Promise<void> {
    const replicas = (await this.read()).spec.replicas;
    const annotate = (): Promise<unknown> => retrying(() => this.objects().patchNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace: this.ns, plural: PLURAL, name: RESOURCE_NAME,
      body: [{ op: 'add', path: '/metadata/annotations', value: { 'capacity.sandbox.dev/abandon-in-flight': 'true' } }],
    }));
    if (abandon) await annotate();
    await retrying(() => this.objects().deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.ns, plural: PLURAL, name: RESOURCE_NAME }));
    const deadline = Date.now() + 90_000;
    let annotated = abandon;
    while (await this.exists()) {
      if (!annotated && Date.now() > deadline) {
        await annotate();
        annotated = true;
      }
      await sleep(250);
    }
    this.recreations += 1;
    await this.createResource(replicas);
  }

  private async exists(): Promise<boolean> {
    try {
      await this.objects().getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.ns, plural: PLURAL, name: RESOURCE_NAME });
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code === 404) return false;
      await sleep(500);
      return true;
    }
  }

  core(): CoreV1Api {
    return this.env.kubeConfig.makeApiClient(CoreV1Api);
  }

  objects(): CustomObjectsApi {
    return this.env.kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** Starts one more controller process (a new identity each time, like a new pod). */
  startController(): ControllerProcess {
    const qps = this.plan.cloudQps[this.starts % this.plan.cloudQps.length] ?? 50;
    this.starts += 1;
    const identity = `${this.name}-${this.ns}-c${this.starts}`;
    const child = ControllerProcess.start({
      kubeconfigPath: this.kubeconfigPath, namespace: this.ns, cloudEndpoint: this.sim.url, clusterId: this.clusterId, identity,
      logFile: join(this.logDir, `${this.name}-${this.ns}.log`),
      ...(this.plan.leaderElection ? { leaderElection: { namespace: this.ns, id: 'sco-chaos' } } : {}),
      // The simulator creates a task as soon as it accepts the call, so a short recovery window is safe
      // here and keeps runs with a kill between intent and call from waiting ACK's 2 minutes.
      extraFlags: ['--cloud-qps', String(qps), '--cloud-burst', qps >= 10 ? '50' : '1', '--cloud-read-timeout', String(CLOUD_READ_TIMEOUT_MS), '--intent-recovery-window', '15'],
    });
    this.controllers.push(child);
    return child;
  }

  alive(): ControllerProcess[] {
    return this.controllers.filter((c) => c.running);
  }

  /** The live process that leads (the only live one without leader election). */
  leader(): ControllerProcess | undefined {
    const alive = this.alive();
    if (!this.plan.leaderElection) return alive[0];
    return alive.find((c) => {
      const became = c.logged('became leader').length;
      return became > 0 && became > c.logged('stopped leading').length;
    });
  }

  async read(): Promise<SandboxCapacity> {
    const sc = (await retrying(() => this.objects().getNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace: this.ns, plural: PLURAL, name: RESOURCE_NAME,
    }))) as SandboxCapacity;
    this.remember(sc);
    return sc;
  }

  private remember(sc: SandboxCapacity): void {
    for (const t of sc.status?.tasks ?? []) if (t.taskId !== undefined) this.seenTaskIds.add(t.taskId);
    const write = sc.status?.nodePool?.lastWrite;
    if (write !== undefined) this.seenLastWrites.set(`${write.desiredSize}@${write.time}`, { desiredSize: write.desiredSize, at: Date.parse(write.time) });
  }

  /**
   * A watch on the resource besides the polls, so every status version is seen (a task id or a
   * lastWrite replaced between two polls is still remembered). Restarted when it ends.
   */
  private watchStatus(): void {
    if (this.stopTracking) return;
    const path = `/apis/${GROUP}/${VERSION}/namespaces/${this.ns}/${PLURAL}`;
    let restarted = false;
    const restart = (): void => {
      if (restarted) return;
      restarted = true;
      setTimeout(() => { this.watchStatus(); }, 250);
    };
    new Watch(this.env.kubeConfig).watch(path, { fieldSelector: `metadata.name=${RESOURCE_NAME}` }, (_phase, obj: SandboxCapacity) => { this.remember(obj); }, restart)
      .then((req) => {
        if (this.stopTracking) req.abort();
        else this.statusWatch = req;
      }, restart);
  }

  /** Node-pool mode: the pool as the simulator holds it now. */
  pool(): SimNodePoolView {
    const pool = this.sim.control.getNodePool(this.clusterId, CHAOS_POOL_ID);
    if (!pool) throw new Error(`node pool ${CHAOS_POOL_ID} missing from the simulator`);
    return pool;
  }

  /** Node-pool mode: every ModifyClusterNodePool of the pool that reached the simulator, whatever its answer. */
  poolWrites(since?: number): PoolWriteRecord[] {
    return this.sim.control.requests({ action: 'ModifyClusterNodePool', ...(since === undefined ? {} : { since }) })
      .filter((r) => r.path.endsWith(`/${this.clusterId}/nodepools/${CHAOS_POOL_ID}`))
      .map((r) => ({
        seq: r.seq, at: Date.parse(r.time), status: r.status, carriedOut: r.taskId !== undefined, faults: r.faults,
        desiredSize: Number(((r.body as { scaling_group?: { desired_size?: unknown } } | undefined)?.scaling_group)?.desired_size ?? -1),
      }));
  }

  /**
   * Someone else lowers the pool's desired size by `by` (never below 0); remembers how many live
   * instances the pool's scaling policy takes away for it (the simulator removes them in this call).
   */
  lowerPoolOutOfBand(by: number): void {
    const pool = this.pool();
    const target = Math.max(0, pool.desiredSize - by);
    if (target === pool.desiredSize) return;
    const alive = pool.counts.initial_nodes + pool.counts.serving_nodes;
    this.sim.control.resizeNodePool(this.clusterId, CHAOS_POOL_ID, target);
    this.removedOutOfBand += Math.max(0, alive - target);
  }

  async setReplicas(replicas: number): Promise<void> {
    await retrying(() => this.objects().patchNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace: this.ns, plural: PLURAL, name: RESOURCE_NAME,
      body: [{ op: 'replace', path: '/spec/replicas', value: replicas }],
    }));
  }

  tasks(): SimTaskView[] {
    return this.sim.control.listTasks(this.clusterId);
  }

  /** Nodes the resource counts: this cluster's, with the sandbox runtime (mislabelled ones are not). */
  async liveNodes(): Promise<number> {
    const selector = `ack.aliyun.com=${this.clusterId},alibabacloud.com/container-runtime=Sandboxed-Container.runv`;
    const nodes = await retrying(() => this.core().listNode({ labelSelector: selector }));
    return nodes.items.filter((n) => !n.metadata?.deletionTimestamp).length;
  }

  /** Instances ACK created that never became a Node the resource counts (never joined, or mislabelled). */
  unjoinedInstances(): number {
    return (this.sim.control.listNodes(this.clusterId) ?? []).filter((n) => n.join === 'never' || n.mislabelled).length;
  }

  /** Cuts the controllers' connections to the API server (watches and requests in flight). */
  cutWatches(): void {
    if (this.proxy.cutAll() > 0) this.watchCuts += 1;
  }

  /** Stops the tracker and every controller (gracefully), deletes the run's Nodes, stops the simulator. */
  async close(): Promise<void> {
    this.stopTracking = true;
    this.statusWatch?.abort();
    await this.tracking;
    await Promise.all(this.controllers.map(async (c) => {
      await c.stop();
      await c.close();
    }));
    await this.sim.close();
    await this.proxy.close();
    await retrying(() => this.core().deleteCollectionNode({ labelSelector: `ack.aliyun.com=${this.clusterId}` }), 30_000).catch(() => undefined);
  }

  private async track(): Promise<void> {
    while (!this.stopTracking) {
      await this.read().catch(() => undefined);
      await sleep(250);
    }
  }
}
