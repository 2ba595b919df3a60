// One process-level scenario: the real test kube-apiserver, the ACK simulator in this process (its
// nodes join the test cluster), and the operator as real child processes (node --import tsx
// src/main.ts) that the test can SIGKILL. Own namespace and own ACK cluster id per scenario, so
// cluster-scoped Nodes never leak between scenarios. Logs of every child land in one folder per
// scenario (printed when a test fails).
import { CoreV1Api, CustomObjectsApi, type CoreV1Event } from '@kubernetes/client-node';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GROUP, PLURAL, VERSION, type SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { startAckSimulator, type AckSimulator, type AckSimulatorOptions, type SimTaskView } from '../../../src/simulator/index.js';
import { ControllerProcess, type ControllerProcessOptions } from '../../chaos/controller-process.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';
import { condition, eventually, newClusterId } from '../controller/fixture.js';
import { capacityObjects } from '../../support/capacity-objects.js';

export interface ProcessScenario {
  ns: string;
  clusterId: string;
  sim: AckSimulator;
  objects: CustomObjectsApi;
  core: CoreV1Api;
  logDir: string;
  children: ControllerProcess[];
  /** Starts a controller process with POD_NAME = identity. */
  spawn(identity: string, options?: Partial<Pick<ControllerProcessOptions, 'leaderElection' | 'metrics' | 'extraFlags'>>): ControllerProcess;
  apply(spec: Record<string, unknown>, name?: string): Promise<SandboxCapacity>;
  get(name?: string): Promise<SandboxCapacity>;
  setReplicas(replicas: number, name?: string): Promise<void>;
  /** The simulator's tasks for this scenario's cluster: the ground truth of what was bought. */
  tasks(): SimTaskView[];
  /** Nodes requested from ACK in total (tasks actually created, whatever their outcome). */
  requestedNodes(): number;
  scaleOutRecords(): number;
  events(reason: string): Promise<CoreV1Event[]>;
  liveNodeCount(): Promise<number>;
  close(): Promise<void>;
}

export async function startProcessScenario(simOptions: AckSimulatorOptions = {}): Promise<ProcessScenario> {
  const tb = testbed();
  const kc = tb.kubeConfig;
  const ns = await createTestNamespace('proc');
  const clusterId = newClusterId();
  const sim = await startAckSimulator({
    kubeConfig: kc, taskDurationMs: 800, joinDelayMs: 300, heartbeatIntervalMs: 0,
    clusters: [{ clusterId, regionId: 'cn-hangzhou', vswitchZones: { 'vsw-aaa': 'cn-hangzhou-h' } }],
    ...simOptions,
  });
  const core = kc.makeApiClient(CoreV1Api);
  const objects = kc.makeApiClient(CustomObjectsApi);
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'ack-credentials' }, stringData: { accessKeyId: sim.accessKeyId, accessKeySecret: sim.accessKeySecret } },
  });
  const logDir = join(tmpdir(), 'sco-process-tests', ns);
  mkdirSync(logDir, { recursive: true });
  const children: ControllerProcess[] = [];
  const tasks = (): SimTaskView[] => sim.control.listTasks(clusterId);
  const scenario: ProcessScenario = {
    ns, clusterId, sim, objects, core, logDir, children,
    spawn(identity, options = {}) {
      const child = ControllerProcess.start({
        kubeconfigPath: tb.kubeconfigPath, namespace: ns, cloudEndpoint: sim.url, clusterId, identity,
        logFile: join(logDir, `${identity}.log`), ...options,
        extraFlags: ['--cloud-qps', '50', '--cloud-burst', '50', ...(options.extraFlags ?? [])],
      });
      children.push(child);
      return child;
    },
    ...capacityObjects(objects, ns),
    async setReplicas(replicas, name = 'workers') {
      await objects.patchNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, name,
        body: [{ op: 'replace', path: '/spec/replicas', value: replicas }],
      });
    },
    tasks,
    requestedNodes: () => tasks().reduce((sum, t) => sum + t.count, 0),
    scaleOutRecords: () => sim.control.requests({ action: 'ScaleOutCluster' }).length,
    async events(reason) {
      return (await core.listNamespacedEvent({ namespace: ns })).items.filter((e) => e.reason === reason);
    },
    async liveNodeCount() {
      const nodes = await core.listNode({ labelSelector: `ack.aliyun.com=${clusterId}` });
      return nodes.items.filter((n) => !n.metadata?.deletionTimestamp).length;
    },
    async close() {
      await Promise.all(children.map(async (child) => {
        await child.kill();
        await child.close();
      }));
      await sim.close();
    },
  };
  return scenario;
}

/** The simulator's single task, once it exists. */
export function onlyTask(s: ProcessScenario): SimTaskView | undefined {
  const all = s.tasks();
  return all.length === 1 ? all[0] : undefined;
}

/** One scenario per test, closed after it; its controllers' log folder is printed when the test failed. */
export function scenarioPerTest(): (simOptions?: AckSimulatorOptions) => Promise<ProcessScenario> {
  let current: ProcessScenario | undefined;
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && current) console.log(`    controller logs: ${current.logDir}`);
    await current?.close();
    current = undefined;
  });
  return async (simOptions = {}) => (current = await startProcessScenario(simOptions));
}

/** Waits until the resource is Ready with `replicas` ready nodes and nothing in flight. */
export async function readyWith(s: ProcessScenario, replicas: number, timeoutMs = 180_000): Promise<void> {
  await eventually(`Ready=True with ${replicas} ready nodes and nothing in flight`, async () => {
    const sc = await s.get();
    return condition(sc, 'Ready')?.status === 'True' && sc.status?.readyReplicas === replicas && sc.status.inFlightReplicas === 0;
  }, timeoutMs);
}
