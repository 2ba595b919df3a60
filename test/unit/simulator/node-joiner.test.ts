import type { V1Node, V1NodeStatus } from '@kubernetes/client-node';
import { expect } from 'chai';
import winston from 'winston';
import { ClusterRegistry } from '../../../src/simulator/clusters.js';
import { createInstances, type InstanceRecord } from '../../../src/simulator/instances.js';
import type { NodeWriter } from '../../../src/simulator/kube-node-writer.js';
import { NodeJoiner } from '../../../src/simulator/node-joiner.js';
import { buildNode, buildNodeStatus } from '../../../src/simulator/node-object.js';
import { validateScaleOut } from '../../../src/simulator/validation.js';
import { seedSandboxBody } from './support/sdk.js';

class FakeWriter implements NodeWriter {
  readonly nodes = new Map<string, V1Node>();
  readonly leases: string[] = [];
  failCreates = 0;
  createAttempts = 0;

  createNode(node: V1Node): Promise<V1Node> {
    this.createAttempts += 1;
    if (this.failCreates > 0) {
      this.failCreates -= 1;
      return Promise.reject(new Error('apiserver unavailable'));
    }
    const name = node.metadata?.name ?? '';
    const existing = this.nodes.get(name);
    if (existing) {
      return Promise.resolve(existing);
    }
    const created = { ...node, metadata: { ...node.metadata, uid: `uid-${name}` } };
    this.nodes.set(name, created);
    return Promise.resolve(created);
  }

  writeStatus(name: string, status: V1NodeStatus): Promise<void> {
    const node = this.nodes.get(name);
    if (node) {
      node.status = status;
    }
    return Promise.resolve();
  }

  deleteNode(name: string): Promise<void> {
    this.nodes.delete(name);
    return Promise.resolve();
  }

  renewLease(node: V1Node): Promise<void> {
    this.leases.push(node.metadata?.name ?? '');
    return Promise.resolve();
  }
}

const silent = winston.createLogger({ silent: true });

function setup(count: number, tags: { key: string; value: string }[] = []) {
  const clusters = new ClusterRegistry([{ clusterId: 'c-test', regionId: 'cn-beijing', vswitchZones: { 'vsw-a': 'cn-beijing-k' } }]);
  const cluster = clusters.require('c-test');
  const request = validateScaleOut(seedSandboxBody({ count, vswitch_ids: ['vsw-a', 'vsw-z'], tags }), { sandbox: true, maxNodesPerCall: 500 });
  const instances = createInstances({ cluster, request, taskId: 'T-1', now: 0, usedIps: new Set() });
  for (const instance of instances) {
    instance.state = 'running';
  }
  cluster.instances.push(...instances);
  const writer = new FakeWriter();
  const joiner = new NodeJoiner({ writer, clusters, logger: silent, heartbeatIntervalMs: () => 10_000 });
  return { clusters, cluster, instances, writer, joiner };
}

function readyOf(node: V1Node | undefined): string | undefined {
  return node?.status?.conditions?.find((condition) => condition.type === 'Ready')?.status;
}

describe('simulator node joining', () => {
  it('builds the Node a sandbox kubelet registers', () => {
    const { cluster, instances } = setup(2, [{ key: 'team', value: 'sandbox' }]);
    const [first, second] = instances as [InstanceRecord, InstanceRecord];
    const node = buildNode(first, cluster);
    expect(node.metadata?.name).to.equal(`cn-beijing.${first.privateIp}`);
    expect(node.spec?.providerID).to.equal(`cn-beijing.${first.instanceId}`);
    expect(node.metadata?.labels).to.deep.include({
      'alibabacloud.com/container-runtime': 'Sandboxed-Container.runv',
      'alibabacloud.com/sandboxed-container': 'Sandboxed-Container.runv',
      'alibabacloud.com/container-runtime-version': '2.2.0',
      'ack.aliyun.com': 'c-test',
      'topology.kubernetes.io/region': 'cn-beijing',
      'topology.kubernetes.io/zone': 'cn-beijing-k',
      'node.kubernetes.io/instance-type': 'ecs.ebmg5s.24xlarge',
      'kubernetes.io/hostname': first.nodeName,
      team: 'sandbox',
    });
    expect(buildNode(second, cluster).metadata?.labels?.['topology.kubernetes.io/zone'], 'unknown vSwitch: default zone').to.equal('cn-beijing-a');
    const status = buildNodeStatus(first, cluster, Date.parse('2024-01-01T00:00:00Z'));
    expect(status.addresses).to.deep.equal([
      { type: 'InternalIP', address: first.privateIp },
      { type: 'Hostname', address: first.nodeName },
    ]);
    expect(status.nodeInfo?.kubeletVersion).to.equal('v1.30.1-aliyun.1');
  });

  it('leaves out tags that cannot be labels, and never lets a tag override an ACK label', () => {
    const { cluster, instances } = setup(1, [
      { key: 'bad key!', value: 'x' },
      { key: 'ack.aliyun.com', value: 'spoofed' },
    ]);
    const labels = buildNode(instances[0]!, cluster).metadata?.labels ?? {};
    expect(labels).not.to.have.property('bad key!');
    expect(labels['ack.aliyun.com']).to.equal('c-test');
  });

  it('registers Ready nodes when due, not before, and starts their leases', async () => {
    const { instances, writer, joiner } = setup(2);
    joiner.schedule(instances, 1000);
    await joiner.runDue(999);
    expect(writer.nodes.size).to.equal(0);
    await joiner.runDue(1000);
    expect([...writer.nodes.values()].map(readyOf)).to.deep.equal(['True', 'True']);
    expect(instances.map((instance) => instance.nodeStatus)).to.deep.equal(['Ready', 'Ready']);
    expect(writer.leases).to.have.length(2);
    await joiner.runDue(11_000);
    expect(writer.leases, 'heartbeat renewed after the interval').to.have.length(4);
  });

  it('registers NotReady nodes and skips never-joining ones', async () => {
    const { instances, writer, joiner } = setup(2);
    instances[0]!.join = 'not-ready';
    instances[1]!.join = 'never';
    joiner.schedule(instances, 0);
    await joiner.runDue(0);
    expect(writer.nodes.size).to.equal(1);
    expect(readyOf(writer.nodes.get(instances[0]!.nodeName))).to.equal('False');
    expect(instances.map((instance) => instance.nodeStatus)).to.deep.equal(['NotReady', 'Unknown']);
  });

  it('deletes a disappearing node later and drops it from the cluster', async () => {
    const { cluster, instances, writer, joiner } = setup(1);
    instances[0]!.disappearAfterMs = 5000;
    joiner.schedule(instances, 0);
    await joiner.runDue(0);
    expect(writer.nodes.size).to.equal(1);
    await joiner.runDue(5000);
    expect(writer.nodes.size).to.equal(0);
    expect(cluster.instances).to.deep.equal([]);
  });

  it('retries Kubernetes errors with backoff and never throws', async () => {
    const { instances, writer, joiner } = setup(1);
    writer.failCreates = 2;
    joiner.schedule(instances, 0);
    await joiner.runDue(0);
    expect(writer.nodes.size).to.equal(0);
    await joiner.runDue(100);
    expect(writer.createAttempts, 'not retried before the backoff').to.equal(1);
    await joiner.runDue(500);
    await joiner.runDue(1500);
    expect(writer.nodes.size).to.equal(1);
    expect(writer.createAttempts).to.equal(3);
  });

  it('gives up after the maximum attempts', async () => {
    const { clusters, instances, writer } = setup(1);
    const joiner = new NodeJoiner({ writer, clusters, logger: silent, heartbeatIntervalMs: () => 0, maxAttempts: 2 });
    writer.failCreates = 10;
    joiner.schedule(instances, 0);
    for (let now = 0; now <= 60_000; now += 1000) {
      await joiner.runDue(now);
    }
    expect(writer.createAttempts).to.equal(2);
    expect(joiner.pendingJobs).to.equal(0);
  });

  it('does not take over a node name held by another node', async () => {
    const { instances, writer, joiner } = setup(1);
    const instance = instances[0]!;
    writer.nodes.set(instance.nodeName, { metadata: { name: instance.nodeName }, spec: { providerID: 'cn-beijing.i-someoneelse' } });
    joiner.schedule(instances, 0);
    await joiner.runDue(0);
    expect(writer.nodes.get(instance.nodeName)?.status).to.equal(undefined);
    expect(instance.nodeStatus).to.equal('Unknown');
  });

  it('without Kubernetes only the simulated node status changes', async () => {
    const { clusters, instances } = setup(1);
    const joiner = new NodeJoiner({ clusters, logger: silent, heartbeatIntervalMs: () => 10_000 });
    joiner.schedule(instances, 0);
    await joiner.runDue(0);
    expect(instances[0]!.nodeStatus).to.equal('Ready');
    expect(joiner.nextDueAt()).to.equal(undefined);
  });
});
