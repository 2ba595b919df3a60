// The SandboxCapacity controller: informers on SandboxCapacities and (label-selected, trimmed)
// Nodes keep caches warm on every replica; watch handlers only enqueue resource keys; while this
// replica leads, workers drain a deduplicating, rate-limited queue through the Reconciler, and
// every resource is also requeued periodically (level-based: no event is trusted to arrive).
import type { Logger } from 'winston';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import { TokenBucketCallBudget } from '../cloud/call-budget.js';
import type { AckApiFactory } from '../cloud/client-factory.js';
import type { KubeClients } from '../kube/clients.js';
import { systemClock, type Clock } from '../kube/clock.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import { objectKey } from '../kube/informer-store.js';
import type { Informer } from '../kube/informer.js';
import { createNodeInformer, createNodeLabelIndex, createSandboxCapacityInformer } from '../kube/informers.js';
import { sameForController, type TrimmedNode } from '../kube/node-trim.js';
import { runWorkers } from '../kube/run-workers.js';
import type { StatusStore } from '../kube/status-store.js';
import { WorkQueue } from '../kube/work-queue.js';
import { CONTROLLER_NAME, forgetResource, type OperatorMetrics } from '../observability/metrics.js';
import { InformerCapacityCache } from './capacity-cache.js';
import type { LeaderFence, NodeReader } from './ports.js';
import { Reconciler } from './reconciler.js';
import type { SecretReader } from './references.js';

/** What the controller itself is configured with (a subset of the operator's flags). */
export interface ControllerOptions {
  /** Namespaces to watch; empty = all. */
  namespaces: readonly string[];
  /** Label selector of the Node watch. */
  nodeLabelSelector: string;
  /** The ACK cluster(s) this operator runs in; empty: learned from the watched Nodes. */
  clusterIds: readonly string[];
  workers: number;
  resyncPeriodMs: number;
  dryRun: boolean;
  intentRecoveryWindowMs: number;
  cloudQps: number;
  cloudBurst: number;
}

export interface ControllerDeps {
  options: ControllerOptions;
  clients: KubeClients;
  store: StatusStore;
  events: EventRecorder;
  secrets: SecretReader;
  nodes: NodeReader;
  cloud: AckApiFactory;
  logger: Logger;
  metrics: OperatorMetrics;
  clock?: Clock;
  random?: () => number;
}

interface Term {
  queue: WorkQueue;
  workers: Promise<void>;
  resync: ReturnType<typeof setInterval>;
}

/** Leading without an elector (--leader-elect off): always the leader. */
const ALWAYS_LEADING: LeaderFence = { isLeading: () => true };

export class SandboxCapacityController {
  private readonly capacityInformers: Informer<SandboxCapacity>[];
  private readonly nodeInformer: Informer<TrimmedNode>;
  private readonly cache: InformerCapacityCache;
  private readonly reconciler: Reconciler;
  private term: Term | undefined;
  /** The fence of the current leadership term; checked by the reconciler before every cloud mutation. */
  private fence: LeaderFence = { isLeading: () => false };

  constructor(private readonly deps: ControllerDeps) {
    const clock = deps.clock ?? systemClock;
    const { options } = deps;
    const common = { transport: deps.clients.transport, logger: deps.logger, clock };
    const namespaces = options.namespaces.length > 0 ? options.namespaces : [undefined];
    this.capacityInformers = namespaces.map((namespace) => createSandboxCapacityInformer({ ...common, ...(namespace ? { namespace } : {}) }));
    const nodeIndex = createNodeLabelIndex();
    this.nodeInformer = createNodeInformer({ ...common, labelSelector: options.nodeLabelSelector, index: nodeIndex });
    this.cache = new InformerCapacityCache(this.capacityInformers, this.nodeInformer, options.clusterIds, nodeIndex);
    this.reconciler = new Reconciler({
      cache: this.cache,
      store: deps.store,
      events: deps.events,
      reads: { secrets: deps.secrets, nodes: deps.nodes },
      cloud: { clients: deps.cloud, budget: new TokenBucketCallBudget(clock, { qps: options.cloudQps, burst: options.cloudBurst }) },
      // Reconciles still running after stopLeading() finish under the term's fence: a graceful stop
      // completes a call in progress while the lease is still ours instead of leaving it to recovery.
      fence: { isLeading: () => this.fence.isLeading() },
      clock,
      drain: deps.clients.drain,
      options: { dryRun: options.dryRun, recoveryWindowMs: options.intentRecoveryWindowMs, settledReadMs: options.resyncPeriodMs, random: deps.random ?? Math.random, logger: deps.logger, metrics: deps.metrics },
    });
    this.wireHandlers();
  }

  private enqueue(key: string): void {
    this.term?.queue.add(key);
  }

  private wireHandlers(): void {
    // A resource's change may start or end an overlap with the other resources of its cluster.
    const enqueueCluster = (sc: SandboxCapacity): void => {
      for (const other of this.cache.all()) if (other.spec.clusterId === sc.spec.clusterId) this.enqueue(objectKey(other));
    };
    for (const informer of this.capacityInformers) {
      informer.addHandlers({
        add: (sc) => { this.enqueue(objectKey(sc)); enqueueCluster(sc); },
        update: (old, sc) => { this.enqueue(objectKey(sc)); if (old.metadata.generation !== sc.metadata.generation) enqueueCluster(sc); },
        delete: (sc) => {
          forgetResource(this.deps.metrics, sc.metadata.namespace, sc.metadata.name);
          this.enqueue(objectKey(sc));
          enqueueCluster(sc);
        },
      });
    }
    const enqueueFor = (...nodes: TrimmedNode[]): void => { for (const sc of this.cache.selecting(nodes)) this.enqueue(objectKey(sc)); };
    this.nodeInformer.addHandlers({
      add: (n) => { enqueueFor(n); },
      update: (old, n) => { if (!sameForController(old, n)) enqueueFor(old, n); },
      delete: (n) => { enqueueFor(n); },
    });
  }

  /** Starts the informers and resolves when every cache has synced (no decision before that). */
  async startInformers(): Promise<void> {
    for (const i of [...this.capacityInformers, this.nodeInformer]) i.start();
    await Promise.all([...this.capacityInformers, this.nodeInformer].map((i) => i.synced));
    this.deps.logger.info('caches synced', { sandboxCapacities: this.cache.all().length, nodes: this.nodeInformer.list().length });
  }

  hasSynced(): boolean {
    return [...this.capacityInformers, this.nodeInformer].every((i) => i.hasSynced());
  }

  informerRestarts(): { nodes: number; sandboxcapacities: number } {
    return { nodes: this.nodeInformer.restarts, sandboxcapacities: this.capacityInformers.reduce((n, i) => n + i.restarts, 0) };
  }

  /** Begins a leadership term under `fence`: a fresh queue and workers, every known resource enqueued. */
  startLeading(fence: LeaderFence = ALWAYS_LEADING): void {
    if (this.term) return;
    this.fence = fence;
    const clock = this.deps.clock ?? systemClock;
    const { metrics } = this.deps;
    const queue = new WorkQueue({ clock, metrics: metrics.workQueues.forQueue(CONTROLLER_NAME) });
    const workers = runWorkers(queue, this.deps.options.workers, (key) => this.reconciler.reconcile(key), this.deps.logger, { metrics: metrics.reconciles.forController(CONTROLLER_NAME), clock });
    const enqueueAll = (): void => { for (const sc of this.cache.all()) queue.add(objectKey(sc)); };
    const resync = setInterval(enqueueAll, this.deps.options.resyncPeriodMs);
    this.term = { queue, workers, resync };
    enqueueAll();
  }

  /** Ends the term: no new work; waits for reconciles in progress to finish. */
  async stopLeading(): Promise<void> {
    const term = this.term;
    this.term = undefined;
    if (!term) return;
    clearInterval(term.resync);
    term.queue.shutDown();
    await term.workers;
  }

  async stop(): Promise<void> {
    await this.stopLeading();
    await Promise.all([...this.capacityInformers, this.nodeInformer].map((i) => i.stop()));
  }
}
