// Makes the instances of successful tasks show up as Kubernetes Nodes after the join delay, like
// kubelets registering: create the Node, write its status through the status subresource, renew
// its Lease. Kubernetes errors are retried with backoff and logged; they never reach the server.
import type { Logger } from 'winston';
import type { ClusterRecord, ClusterRegistry } from './clusters.js';
import type { InstanceRecord } from './instances.js';
import type { NodeWriter } from './kube-node-writer.js';
import { tagLabels } from './node-labels.js';
import { buildNode, buildNodeStatus, providerIdOf } from './node-object.js';

type JobKind = 'join' | 'heartbeat' | 'disappear' | 'delete';

interface Job {
  kind: JobKind;
  clusterId: string;
  instanceId: string;
  dueAt: number;
  attempt: number;
  nodeUid?: string;
  /** `delete`: the Node to delete (its instance has already left the cluster). */
  nodeName?: string;
}

export interface NodeJoinerDeps {
  /** Absent: no Kubernetes; only the simulated node_status changes. */
  writer?: NodeWriter;
  clusters: ClusterRegistry;
  logger: Logger;
  heartbeatIntervalMs(): number;
  maxAttempts?: number;
}

const PARALLEL_JOBS = 8;
const MAX_BACKOFF_MS = 30_000;

export class NodeJoiner {
  private jobs: Job[] = [];

  constructor(private readonly deps: NodeJoinerDeps) {}

  /** Joins the instances at `dueAt`. */
  schedule(instances: readonly InstanceRecord[], dueAt: number): void {
    for (const instance of instances) {
      this.jobs.push({ kind: 'join', clusterId: instance.clusterId, instanceId: instance.instanceId, dueAt, attempt: 0 });
    }
  }

  /** Deletes the Nodes of instances that left the cluster (removed or released), at `dueAt`. */
  scheduleDeletion(instances: readonly InstanceRecord[], dueAt: number): void {
    const leaving = new Set(instances.map((instance) => instance.instanceId));
    this.jobs = this.jobs.filter((job) => !leaving.has(job.instanceId));
    for (const instance of instances.filter((candidate) => candidate.nodeCreated === true)) {
      this.jobs.push({ kind: 'delete', clusterId: instance.clusterId, instanceId: instance.instanceId, nodeName: instance.nodeName, dueAt, attempt: 0 });
    }
  }

  get pendingJobs(): number {
    return this.jobs.filter((job) => job.kind !== 'heartbeat').length;
  }

  /** Earliest time something is due (a join, a removal, a heartbeat), if any. */
  nextDueAt(): number | undefined {
    return this.jobs.reduce<number | undefined>((earliest, job) => Math.min(earliest ?? job.dueAt, job.dueAt), undefined);
  }

  clear(): void {
    this.jobs = [];
  }

  async runDue(now: number): Promise<void> {
    const due = this.jobs.filter((job) => job.dueAt <= now);
    this.jobs = this.jobs.filter((job) => job.dueAt > now);
    for (let start = 0; start < due.length; start += PARALLEL_JOBS) {
      await Promise.all(due.slice(start, start + PARALLEL_JOBS).map((job) => this.run(job, now)));
    }
  }

  /** Removes an instance's Node now (the admin "release an instance" action). */
  async removeNode(instance: InstanceRecord): Promise<void> {
    this.jobs = this.jobs.filter((job) => job.instanceId !== instance.instanceId);
    // Only a Node this instance registered: the name may belong to another simulator's node.
    if (instance.nodeCreated === true) {
      await this.deps.writer?.deleteNode(instance.nodeName);
    }
  }

  private lookup(job: Job): { instance: InstanceRecord; cluster: ClusterRecord } | undefined {
    const cluster = this.deps.clusters.get(job.clusterId);
    const instance = cluster?.instances.find((candidate) => candidate.instanceId === job.instanceId);
    return cluster && instance?.state === 'running' ? { instance, cluster } : undefined;
  }

  private async run(job: Job, now: number): Promise<void> {
    if (job.kind === 'delete') {
      await this.deleteLeft(job, now);
      return;
    }
    const found = this.lookup(job);
    if (found === undefined) {
      return;
    }
    try {
      await this.perform(job, found.instance, found.cluster, now);
    } catch (error) {
      this.retry(job, now, error);
    }
  }

  private async perform(job: Job, instance: InstanceRecord, cluster: ClusterRecord, now: number): Promise<void> {
    if (job.kind === 'join') {
      await this.join(instance, cluster, now);
    } else if (job.kind === 'heartbeat') {
      await this.deps.writer?.renewLease({ metadata: { name: instance.nodeName, uid: job.nodeUid } }, now);
      this.scheduleHeartbeat(instance, job.nodeUid, now);
    } else {
      await this.deps.writer?.deleteNode(instance.nodeName);
      instance.nodeCreated = false;
      cluster.instances.splice(cluster.instances.indexOf(instance), 1);
      this.jobs = this.jobs.filter((pending) => pending.instanceId !== instance.instanceId);
      this.deps.logger.info('simulated node disappeared', { node: instance.nodeName, instanceId: instance.instanceId });
    }
  }

  private async deleteLeft(job: Job, now: number): Promise<void> {
    try {
      await this.deps.writer?.deleteNode(job.nodeName ?? '');
      this.deps.logger.info('simulated node removed', { node: job.nodeName, instanceId: job.instanceId });
    } catch (error) {
      this.retry(job, now, error);
    }
  }

  private async join(instance: InstanceRecord, cluster: ClusterRecord, now: number): Promise<void> {
    if (instance.join === 'never') {
      this.deps.logger.info('simulated node never joins', { node: instance.nodeName, instanceId: instance.instanceId });
      return;
    }
    const skipped = tagLabels(instance).skipped;
    if (skipped.length > 0) {
      this.deps.logger.warn('tags that are not valid label keys or values were not put on the node', { node: instance.nodeName, tags: skipped });
    }
    const uid = this.deps.writer ? await this.writeNode(instance, cluster, now) : undefined;
    if (uid === null) {
      return;
    }
    instance.nodeStatus = instance.join === 'ready' ? 'Ready' : 'NotReady';
    this.deps.logger.info('simulated node joined', { node: instance.nodeName, instanceId: instance.instanceId, status: instance.nodeStatus });
    this.scheduleHeartbeat(instance, uid, now);
    if (instance.disappearAfterMs !== undefined) {
      this.jobs.push({ kind: 'disappear', clusterId: instance.clusterId, instanceId: instance.instanceId, dueAt: now + instance.disappearAfterMs, attempt: 0 });
    }
  }

  /** The new Node's uid, or null when a different node already holds the name. */
  private async writeNode(instance: InstanceRecord, cluster: ClusterRecord, now: number): Promise<string | undefined | null> {
    const writer = this.deps.writer;
    if (writer === undefined) {
      return undefined;
    }
    const node = await writer.createNode(buildNode(instance, cluster));
    if (node.spec?.providerID !== providerIdOf(instance)) {
      this.deps.logger.error('node name already taken by another node; not joining', { node: instance.nodeName, providerID: node.spec?.providerID });
      return null;
    }
    instance.nodeCreated = true;
    await writer.writeStatus(instance.nodeName, buildNodeStatus(instance, cluster, now));
    if (this.deps.heartbeatIntervalMs() > 0) {
      await writer.renewLease(node, now);
    }
    return node.metadata?.uid;
  }

  private scheduleHeartbeat(instance: InstanceRecord, nodeUid: string | undefined, now: number): void {
    const interval = this.deps.heartbeatIntervalMs();
    if (this.deps.writer === undefined || interval <= 0) {
      return;
    }
    this.jobs.push({ kind: 'heartbeat', clusterId: instance.clusterId, instanceId: instance.instanceId, dueAt: now + interval, attempt: 0, ...(nodeUid ? { nodeUid } : {}) });
  }

  private retry(job: Job, now: number, error: unknown): void {
    const attempt = job.attempt + 1;
    const message = error instanceof Error ? error.message : String(error);
    if (attempt >= (this.deps.maxAttempts ?? 10)) {
      this.deps.logger.error('giving up on simulated node', { job: job.kind, instanceId: job.instanceId, attempts: attempt, error: message });
      return;
    }
    const delayMs = Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt);
    this.deps.logger.warn('simulated node update failed; retrying', { job: job.kind, instanceId: job.instanceId, attempt, delayMs, error: message });
    this.jobs.push({ ...job, attempt, dueAt: now + delayMs });
  }
}
