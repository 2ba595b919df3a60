// The SandboxCapacity controller: informers on SandboxCapacities and (label-selected, trimmed)
// Nodes keep caches warm on every replica; watch handlers only enqueue resource keys; while this
// replica leads, workers drain a deduplicating, rate-limited queue through the Reconciler, and
// every resource is also requeued periodically (level-based: no event is trusted to arrive).
import type { Logger } from 'winston';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { AckApiFactory } from '../cloud/client-factory.js';
import type { OperatorConfig } from '../config.js';
import type { KubeClients } from '../kube/clients.js';
import { systemClock, type Clock } from '../kube/clock.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import { objectKey } from '../kube/informer-store.js';
import type { Informer } from '../kube/informer.js';
import { createNodeInformer, createSandboxCapacityInformer } from '../kube/informers.js';
import { sameForController, type TrimmedNode } from '../kube/node-trim.js';
import { TokenBucketRateLimiter } from '../kube/rate-limiter.js';
import { runWorkers } from '../kube/run-workers.js';
import { WorkQueue } from '../kube/work-queue.js';
import { forgetResource, type OperatorMetrics } from '../observability/metrics.js';
import { matchesSelector } from './core/index.js';
import { Reconciler } from './reconciler.js';
import type { SecretReader } from './references.js';
import type { StatusStore } from './scale-out-executor.js';

export interface ControllerDeps {
  config: OperatorConfig;
  clients: KubeClients;
  store: StatusStore;
  events: EventRecorder;
  secrets: SecretReader;
  cloud: AckApiFactory;
  logger: Logger;
  metrics: OperatorMetrics;
  isConflict: (err: unknown) => boolean;
  isNotFound: (err: unknown) => boolean;
  clock?: Clock;
  random?: () => number;
}

interface Term {
  queue: WorkQueue;
  workers: Promise<void>;
  resync: ReturnType<typeof setInterval>;
  depth: ReturnType<typeof setInterval>;
}

export class SandboxCapacityController {
  private readonly capacityInformers: Informer<SandboxCapacity>[];
  private readonly nodeInformer: Informer<TrimmedNode>;
  private readonly reconciler: Reconciler;
  private readonly clock: Clock;
  private term: Term | undefined;
  private leading = false;
  isLeaderNow: () => boolean = () => this.leading;

  constructor(private readonly deps: ControllerDeps) {
    this.clock = deps.clock ?? systemClock;
    const common = { transport: deps.clients.transport, logger: deps.logger, clock: this.clock };
    const namespaces = deps.config.namespaces.length > 0 ? deps.config.namespaces : [undefined];
    this.capacityInformers = namespaces.map((namespace) => createSandboxCapacityInformer({ ...common, ...(namespace ? { namespace } : {}) }));
    this.nodeInformer = createNodeInformer({ ...common, labelSelector: deps.config.nodeLabelSelector });
    const cloudBudget = new TokenBucketRateLimiter(this.clock, { qps: Math.max(0.1, deps.config.cloudQps), burst: Math.max(1, deps.config.cloudBurst) });
    this.reconciler = new Reconciler({
      getCapacity: (key) => this.getCapacity(key),
      listNodes: () => this.nodeInformer.list(),
      store: deps.store,
      events: deps.events,
      secrets: deps.secrets,
      cloud: deps.cloud,
      isLeaderNow: () => this.isLeaderNow(),
      throttle: () => {
        // A token in hand goes straight on: the call right after an intent write is the latency path.
        const delayMs = cloudBudget.when();
        return delayMs <= 0 ? Promise.resolve() : new Promise((resolve) => { this.clock.setTimer(resolve, delayMs); });
      },
      isConflict: deps.isConflict,
      isNotFound: deps.isNotFound,
      now: () => this.clock.now(),
      random: deps.random ?? Math.random,
      dryRun: deps.config.dryRun,
      recoveryWindowMs: deps.config.intentRecoveryWindowMs,
      logger: deps.logger,
      metrics: deps.metrics,
    });
    this.wireHandlers();
  }

  private getCapacity(key: string): SandboxCapacity | undefined {
    for (const informer of this.capacityInformers) {
      const found = informer.get(key);
      if (found) return found;
    }
    return undefined;
  }

  private allCapacities(): SandboxCapacity[] {
    return this.capacityInformers.flatMap((i) => i.list());
  }

  private enqueue(key: string): void {
    this.term?.queue.add(key);
  }

  private enqueueForNode(...nodes: TrimmedNode[]): void {
    for (const sc of this.allCapacities()) {
      if (nodes.some((n) => matchesSelector(sc.spec.nodeSelector, n.metadata.labels ?? {}))) this.enqueue(objectKey(sc));
    }
  }

  private wireHandlers(): void {
    for (const informer of this.capacityInformers) {
      informer.addHandlers({
        add: (sc) => { this.enqueue(objectKey(sc)); },
        update: (_old, sc) => { this.enqueue(objectKey(sc)); },
        delete: (sc) => {
          forgetResource(this.deps.metrics, sc.metadata.namespace, sc.metadata.name);
          this.enqueue(objectKey(sc));
        },
      });
    }
    this.nodeInformer.addHandlers({
      add: (n) => { this.enqueueForNode(n); },
      update: (old, n) => { if (!sameForController(old, n)) this.enqueueForNode(old, n); },
      delete: (n) => { this.enqueueForNode(n); },
    });
  }

  /** Starts the informers and resolves when every cache has synced (no decision before that). */
  async startInformers(): Promise<void> {
    for (const i of [...this.capacityInformers, this.nodeInformer]) i.start();
    await Promise.all([...this.capacityInformers, this.nodeInformer].map((i) => i.synced));
    this.deps.logger.info('caches synced', { sandboxCapacities: this.allCapacities().length, nodes: this.nodeInformer.list().length });
  }

  hasSynced(): boolean {
    return [...this.capacityInformers, this.nodeInformer].every((i) => i.hasSynced());
  }

  informerRestarts(): { nodes: number; sandboxcapacities: number } {
    return { nodes: this.nodeInformer.restarts, sandboxcapacities: this.capacityInformers.reduce((n, i) => n + i.restarts, 0) };
  }

  /** Begins a leadership term: a fresh queue and workers, every known resource enqueued. */
  startLeading(isLeaderNow: () => boolean = () => true): void {
    if (this.term) return;
    this.isLeaderNow = isLeaderNow;
    this.leading = true;
    const queue = new WorkQueue({ clock: this.clock });
    const workers = runWorkers(queue, this.deps.config.workers, (key) => this.reconciler.reconcile(key), this.deps.logger);
    const enqueueAll = (): void => { for (const sc of this.allCapacities()) queue.add(objectKey(sc)); };
    const resync = setInterval(enqueueAll, this.deps.config.resyncPeriodMs);
    const depth = setInterval(() => { this.deps.metrics.queueDepth.set(queue.length()); }, 1000);
    this.term = { queue, workers, resync, depth };
    enqueueAll();
    this.deps.metrics.isLeader.set(1);
  }

  /** Ends the term: no new work; waits for reconciles in progress to finish. */
  async stopLeading(): Promise<void> {
    const term = this.term;
    this.term = undefined;
    this.leading = false;
    this.deps.metrics.isLeader.set(0);
    if (!term) return;
    clearInterval(term.resync);
    clearInterval(term.depth);
    term.queue.shutDown();
    await term.workers;
  }

  async stop(): Promise<void> {
    await this.stopLeading();
    await Promise.all([...this.capacityInformers, this.nodeInformer].map((i) => i.stop()));
  }
}
