// One controller scenario: the real test kube-apiserver, the ACK simulator in-process (its nodes
// join the test cluster), and the operator started in-process through its composition root with
// the real SDK pointed at the simulator. Each scenario has its own namespace and its own ACK
// cluster id, so Nodes (cluster-scoped) never leak between scenarios.
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { parseConfig, type OperatorConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/observability/logger.js';
import { startOperator, type RunningOperator } from '../../../src/operator.js';
import { startAckSimulator, type AckSimulator, type AckSimulatorOptions } from '../../../src/simulator/index.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';
import { capacityObjects } from '../../support/capacity-objects.js';

export interface Scenario {
  ns: string;
  clusterId: string;
  sim: AckSimulator;
  kc: KubeConfig;
  objects: CustomObjectsApi;
  core: CoreV1Api;
  logs: string[];
  operator?: RunningOperator;
  startOperator(extraFlags?: string[]): Promise<RunningOperator>;
  stopOperator(): Promise<void>;
  apply(spec: Record<string, unknown>, name?: string): Promise<SandboxCapacity>;
  get(name?: string): Promise<SandboxCapacity>;
  scaleOutCalls(): { count: number; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export function newClusterId(): string {
  return `c${randomBytes(16).toString('hex')}`;
}

export function baseSpec(clusterId: string, replicas: number): Record<string, unknown> {
  return {
    clusterId,
    regionId: 'cn-hangzhou',
    replicas,
    nodeSelector: { matchLabels: { 'alibabacloud.com/container-runtime': 'Sandboxed-Container.runv', 'ack.aliyun.com': clusterId } },
    scaleOut: { vswitchIds: ['vsw-aaa'], instanceTypes: ['ecs.ebmg5s.24xlarge'], keyPair: 'ops-key' },
    credentials: { secretRef: { name: 'ack-credentials' } },
    backoff: { initial: '1s', max: '5s' },
  };
}

export async function startScenario(simOptions: AckSimulatorOptions = {}): Promise<Scenario> {
  const tb = testbed();
  const kc = tb.kubeConfig;
  const ns = await createTestNamespace('ctl');
  const clusterId = newClusterId();
  const sim = await startAckSimulator({
    kubeConfig: kc, taskDurationMs: 800, joinDelayMs: 300, heartbeatIntervalMs: 0,
    clusters: [{ clusterId, regionId: 'cn-hangzhou', vswitchZones: { 'vsw-aaa': 'cn-hangzhou-h', 'vsw-bbb': 'cn-hangzhou-i', 'vsw-ccc': 'cn-hangzhou-j' } }],
    ...simOptions,
  });
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'ack-credentials' }, stringData: { accessKeyId: sim.accessKeyId, accessKeySecret: sim.accessKeySecret } },
  });
  const objects = kc.makeApiClient(CustomObjectsApi);
  const logs: string[] = [];
  const scenario: Scenario = {
    ns, clusterId, sim, kc, objects, core, logs,
    async startOperator(extraFlags = []) {
      const sink = new PassThrough();
      sink.on('data', (chunk: Buffer) => { logs.push(chunk.toString()); });
      const config = parseConfig([
        // The shared test API server holds Nodes of every scenario's cluster: name ours.
        '--kubeconfig', tb.kubeconfigPath, '--namespace', ns, '--cloud-endpoint', `http://${sim.endpoint}`, '--cluster-id', clusterId,
        '--metrics-bind-address', '0', '--health-probe-bind-address', '0', '--log-level', 'debug', '--cloud-qps', '50', '--cloud-burst', '50',
        ...extraFlags,
      ]) as OperatorConfig;
      scenario.operator = await startOperator(config, createLogger('debug', sink));
      return scenario.operator;
    },
    async stopOperator() {
      await scenario.operator?.stop();
      delete scenario.operator;
    },
    ...capacityObjects(objects, ns),
    scaleOutCalls() {
      return sim.control.requests().filter((r) => r.action === 'ScaleOutCluster' && r.status > 0 && r.status < 300)
        .map((r) => ({ count: Number((r.body as Record<string, unknown>).count), body: r.body as Record<string, unknown> }));
    },
    async close() {
      await scenario.stopOperator();
      await sim.close();
    },
  };
  return scenario;
}

export { eventually } from '../../support/eventually.js';

export function condition(sc: SandboxCapacity, type: string): { status: string; reason: string; message: string } | undefined {
  return sc.status?.conditions?.find((c) => c.type === type);
}
