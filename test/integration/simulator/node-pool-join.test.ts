import { CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import winston from 'winston';
import { startAckSimulator, type AckSimulator } from '../../../src/simulator/index.js';
import { testbed } from '../../support/testbed.js';
import { ManualClock } from '../../unit/simulator/support/manual-clock.js';
import { csClient, CsModels, type CsClient } from '../../unit/simulator/support/sdk.js';

const CLUSTER_ID = 'c82e6987e2961451182edacd74faf0000';
const POOL = 'np-sandbox';
const TASK_MS = 2000;
const JOIN_MS = 1000;

describe('ACK simulator node pools register nodes in a real kube-apiserver', () => {
  const core = () => testbed().kubeConfig.makeApiClient(CoreV1Api);
  let sim: AckSimulator;
  let client: CsClient;
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
      clusters: [
        {
          clusterId: CLUSTER_ID,
          vswitchZones: { 'vsw-h': 'cn-hangzhou-h', 'vsw-i': 'cn-hangzhou-i' },
          // The run label lets this test find its own Nodes in the shared kube-apiserver.
          nodePools: [
            { nodepoolId: POOL, vswitchIds: ['vsw-h', 'vsw-i'], labels: { 'simulator-run': runId } },
            { nodepoolId: 'np-runc', runtime: 'containerd', vswitchIds: ['vsw-i'], labels: { 'simulator-run': runId } },
          ],
        },
      ],
    });
    client = csClient(sim);
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

  async function step(ms: number): Promise<void> {
    clock.advance(ms);
    await sim.tick();
  }

  async function resize(nodepoolId: string, desiredSize: number): Promise<void> {
    const scalingGroup = new CsModels.ModifyClusterNodePoolRequestScalingGroup({ desiredSize });
    await client.modifyClusterNodePool(CLUSTER_ID, nodepoolId, new CsModels.ModifyClusterNodePoolRequest({ scalingGroup }));
    await step(TASK_MS);
    await step(JOIN_MS);
  }

  it("a pool's instances become Ready Nodes with the pool's labels, runtime, zone and providerID", async () => {
    await resize(POOL, 3);
    await resize('np-runc', 1);
    const nodes = await nodesOfRun();
    expect(nodes).to.have.length(4);
    const instances = new Map((sim.control.listNodes(CLUSTER_ID) ?? []).map((instance) => [`cn-hangzhou.${instance.instanceId}`, instance]));
    for (const node of nodes) {
      const instance = instances.get(node.spec?.providerID ?? '');
      expect(instance, `instance of ${node.metadata?.name ?? ''}`).to.not.equal(undefined);
      const labels = node.metadata!.labels!;
      expect(labels).to.deep.include({
        'alibabacloud.com/nodepool-id': instance!.nodepoolId,
        'ack.aliyun.com': CLUSTER_ID,
        'topology.kubernetes.io/zone': instance!.zone,
        'kubernetes.io/hostname': node.metadata!.name,
      });
      expect(node.status?.conditions?.find((condition) => condition.type === 'Ready')?.status).to.equal('True');
    }
    const labelsOf = (pool: string): Record<string, string>[] =>
      nodes.map((node) => node.metadata!.labels!).filter((labels) => labels['alibabacloud.com/nodepool-id'] === pool);
    const sandbox = labelsOf(POOL);
    expect(sandbox.map((labels) => labels['alibabacloud.com/container-runtime'])).to.deep.equal(Array(3).fill('Sandboxed-Container.runv'));
    expect(sandbox.map((labels) => labels['alibabacloud.com/sandboxed-container'])).to.deep.equal(Array(3).fill('Sandboxed-Container.runv'));
    expect(new Set(sandbox.map((labels) => labels['topology.kubernetes.io/zone']))).to.deep.equal(new Set(['cn-hangzhou-h', 'cn-hangzhou-i']));
    const [runc] = labelsOf('np-runc');
    expect(runc).to.deep.include({ 'alibabacloud.com/container-runtime': 'containerd', 'topology.kubernetes.io/zone': 'cn-hangzhou-i' });
    expect(runc).not.to.have.property('alibabacloud.com/sandboxed-container');
    const pool = (await client.describeClusterNodePoolDetail(CLUSTER_ID, POOL)).body!;
    expect(pool.status).to.deep.include({ state: 'active', healthyNodes: 3, servingNodes: 3, totalNodes: 3 });
  });

  it('RemoveNodePoolNodes deletes exactly the removed instances\' Nodes; a Node deleted in Kubernetes releases nothing', async () => {
    await resize(POOL, 3);
    const [keep, gone] = (sim.control.listNodes(CLUSTER_ID) ?? []).map((instance) => instance);
    await client.removeNodePoolNodes(CLUSTER_ID, POOL, new CsModels.RemoveNodePoolNodesRequest({ instanceIds: [gone!.instanceId], releaseNode: true, drainNode: true }));
    expect(await nodesOfRun(), 'Nodes stay while the instance is being removed').to.have.length(3);
    await step(TASK_MS);
    await sim.tick();
    const left = (await nodesOfRun()).map((node) => node.spec?.providerID).sort();
    expect(left).to.have.length(2);
    expect(left).not.to.include(`cn-hangzhou.${gone!.instanceId}`);
    expect(left).to.include(`cn-hangzhou.${keep!.instanceId}`);
    expect((await client.describeClusterNodePoolDetail(CLUSTER_ID, POOL)).body?.scalingGroup?.desiredSize).to.equal(2);

    await core().deleteNode({ name: keep!.nodeName });
    await step(TASK_MS);
    const instances = (sim.control.listNodes(CLUSTER_ID) ?? []).map((instance) => instance.instanceId);
    expect(instances, 'the instance of a Node deleted with kubectl stays in the pool').to.include(keep!.instanceId);
    expect(instances).to.have.length(2);
  });

  it('DeleteClusterNodes deletes the Node and the pool refills with a new one; a released instance loses its Node too', async () => {
    await resize(POOL, 2);
    const [victim, released] = sim.control.listNodes(CLUSTER_ID) ?? [];
    await client.deleteClusterNodes(CLUSTER_ID, new CsModels.DeleteClusterNodesRequest({ nodes: [victim!.nodeName] }));
    await step(TASK_MS);
    await step(JOIN_MS);
    const afterDelete = (await nodesOfRun()).map((node) => node.spec?.providerID);
    expect(afterDelete).to.have.length(2);
    expect(afterDelete).not.to.include(`cn-hangzhou.${victim!.instanceId}`);

    await sim.control.releaseInstance(CLUSTER_ID, released!.instanceId);
    expect((await nodesOfRun()).map((node) => node.spec?.providerID)).not.to.include(`cn-hangzhou.${released!.instanceId}`);
    await step(TASK_MS);
    await step(JOIN_MS);
    expect(await nodesOfRun(), 'the pool replaced the released instance').to.have.length(2);
  });
});
