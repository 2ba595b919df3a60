import { CoordinationV1Api, CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import winston from 'winston';
import { startAckSimulator, type AckSimulator, type FaultRuleInput } from '../../../src/simulator/index.js';
import { testbed } from '../../support/testbed.js';
import { ManualClock } from '../../unit/simulator/support/manual-clock.js';
import { csClient, scaleOutRaw, seedSandboxBody } from '../../unit/simulator/support/sdk.js';

const CLUSTER_ID = 'c82e6987e2961451182edacd74faf0000';
const TASK_MS = 2000;
const JOIN_MS = 1000;

describe('ACK simulator registers nodes in a real kube-apiserver', () => {
  const core = () => testbed().kubeConfig.makeApiClient(CoreV1Api);
  let sim: AckSimulator;
  let clock: ManualClock;
  let runId: string;

  beforeEach(async () => {
    runId = `run-${randomBytes(4).toString('hex')}`;
    clock = new ManualClock();
    sim = await startAckSimulator({
      kubeConfig: testbed().kubeConfig,
      clock,
      tickIntervalMs: 60_000,
      taskDurationMs: TASK_MS,
      joinDelayMs: JOIN_MS,
      logger: winston.createLogger({ silent: true }),
      clusters: [{ clusterId: CLUSTER_ID, vswitchZones: { 'vsw-h': 'cn-hangzhou-h', 'vsw-i': 'cn-hangzhou-i' } }],
    });
  });

  afterEach(async () => {
    await sim.close();
    for (const node of await nodesOfRun()) {
      await core().deleteNode({ name: node.metadata?.name ?? '' });
    }
  });

  async function nodesOfRun(): Promise<V1Node[]> {
    return (await core().listNode({ labelSelector: `simulator-run=${runId}` })).items;
  }

  /** Scales out by `count`, lets the task finish and the join delay pass, and waits for the node work. */
  async function scaleOutAndJoin(count: number, faults: FaultRuleInput[] = []): Promise<string[]> {
    for (const fault of faults) {
      sim.control.addFault(fault);
    }
    const body = seedSandboxBody({ count, vswitch_ids: ['vsw-h', 'vsw-i'], tags: [{ key: 'simulator-run', value: runId }] });
    const taskId = String((await scaleOutRaw(csClient(sim), CLUSTER_ID, body)).body.task_id);
    clock.advance(TASK_MS);
    await sim.tick();
    clock.advance(JOIN_MS);
    await sim.tick();
    const task = sim.control.getTask(taskId);
    expect(task?.state).to.equal('success');
    return task?.instanceIds ?? [];
  }

  function expectSandboxNode(node: V1Node): void {
    const labels = node.metadata!.labels!;
    const internalIp = node.status!.addresses!.find((address) => address.type === 'InternalIP')!.address;
    expect(node.metadata!.name).to.equal(`cn-hangzhou.${internalIp}`);
    expect(labels).to.deep.include({
      'alibabacloud.com/container-runtime': 'Sandboxed-Container.runv',
      'alibabacloud.com/sandboxed-container': 'Sandboxed-Container.runv',
      'ack.aliyun.com': CLUSTER_ID,
      'topology.kubernetes.io/region': 'cn-hangzhou',
      'node.kubernetes.io/instance-type': 'ecs.ebmg5s.24xlarge',
      'kubernetes.io/hostname': node.metadata!.name,
      'simulator-run': runId,
    });
    expect(labels).to.have.property('alibabacloud.com/container-runtime-version');
    const ready = node.status!.conditions!.find((condition) => condition.type === 'Ready');
    expect(ready).to.deep.include({ status: 'True', reason: 'KubeletReady' });
    expect(node.status!.nodeInfo!.kubeletVersion).to.match(/^v1\./);
  }

  it("a successful task's instances become Ready Nodes with ACK's labels, providerID and zones", async () => {
    const instanceIds = await scaleOutAndJoin(3);
    const nodes = await nodesOfRun();
    expect(nodes).to.have.length(3);
    const byInstance = new Map(nodes.map((node) => [node.spec!.providerID, node]));
    const zones = instanceIds.map((instanceId) => {
      const node = byInstance.get(`cn-hangzhou.${instanceId}`);
      expect(node, `node of ${instanceId}`).to.not.equal(undefined);
      expectSandboxNode(node!);
      return node!.metadata!.labels!['topology.kubernetes.io/zone'];
    });
    expect(zones, 'round-robin over vsw-h, vsw-i').to.deep.equal(['cn-hangzhou-h', 'cn-hangzhou-i', 'cn-hangzhou-h']);
    const lease = await testbed()
      .kubeConfig.makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: nodes[0]?.metadata?.name ?? '', namespace: 'kube-node-lease' });
    expect(lease.spec?.holderIdentity).to.equal(nodes[0]?.metadata?.name);
  });

  it('the node-not-ready option registers nodes whose Ready condition is False', async () => {
    await scaleOutAndJoin(2, [{ kind: 'node-not-ready', times: 1 }]);
    const nodes = await nodesOfRun();
    expect(nodes.map((node) => node.status?.conditions?.find((condition) => condition.type === 'Ready')?.status)).to.deep.equal(['False', 'False']);
  });

  it('the node-never-joins option creates no Node, though the task succeeded', async () => {
    await scaleOutAndJoin(2, [{ kind: 'node-never-joins', fraction: 0.5, times: 1 }]);
    expect(await nodesOfRun()).to.have.length(1);
    expect(sim.control.listNodes(CLUSTER_ID)?.map((node) => node.nodeStatus).sort()).to.deep.equal(['Ready', 'Unknown']);
  });

  it('the node-mislabelled option registers Nodes with other labels than ACK\'s (default: a containerd node)', async () => {
    await scaleOutAndJoin(2, [{ kind: 'node-mislabelled', fraction: 0.5, times: 1 }]);
    const runtimes = (await nodesOfRun()).map((node) => node.metadata?.labels?.['alibabacloud.com/container-runtime']).sort();
    expect(runtimes).to.deep.equal(['Sandboxed-Container.runv', 'containerd']);
  });

  it('the node-disappears option deletes the Node later', async () => {
    await scaleOutAndJoin(1, [{ kind: 'node-disappears', afterMs: 5000, times: 1 }]);
    expect(await nodesOfRun()).to.have.length(1);
    clock.advance(5000);
    await sim.tick();
    expect(await nodesOfRun()).to.deep.equal([]);
    expect(sim.control.listNodes(CLUSTER_ID)).to.deep.equal([]);
  });
});
