// One reconcile at a time: a Reconciler built on the real kube-apiserver (status writes, Events, Secrets,
// Nodes) and the real Alibaba SDK talking HTTP to the ACK simulator — no informers, no work queue, no
// workers. The test reads the world from the API server into a snapshot cache, calls reconcile(key)
// once, and asserts on the state that one step left behind (karpenter's ExpectObjectReconciled style).
// Each port can be wrapped by a test to look at, or interfere with, the moment a call happens.
import { CoreV1Api, CustomObjectsApi, type V1Node } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import { PassThrough } from 'node:stream';
import { GROUP, PLURAL, VERSION, type SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import type { AckApi } from '../../../src/cloud/ack-api.js';
import { TokenBucketCallBudget, type CallBudget } from '../../../src/cloud/call-budget.js';
import { createAckApiFactory, type AckApiFactory } from '../../../src/cloud/client-factory.js';
import { clusterIdentity, countsFor, overlapsOf, toObservedNode, withCurrentSpellings, type ClusterIdentity, type ObservedNode, type Overlaps } from '../../../src/controller/core/index.js';
import type { CapacityCache, LeaderFence } from '../../../src/controller/ports.js';
import { Reconciler } from '../../../src/controller/reconciler.js';
import { kubeNodeReader, kubeSecretReader, type SecretReader } from '../../../src/controller/references.js';
import { systemClock } from '../../../src/kube/clock.js';
import { EventRecorder } from '../../../src/kube/event-recorder.js';
import type { WorkResult } from '../../../src/kube/run-workers.js';
import { KubeStatusStore, type StatusStore } from '../../../src/kube/status-store.js';
import { createLogger } from '../../../src/observability/logger.js';
import { startAckSimulator, type AckSimulator, type AckSimulatorOptions } from '../../../src/simulator/index.js';
import { capacityObjects, type CapacityObjects } from '../../support/capacity-objects.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';
import { baseSpec, newClusterId } from './fixture.js';

/** The resources and Nodes as the API server has them right now: what the informers would hold once synced. */
class SnapshotCache implements CapacityCache {
  private resources = new Map<string, SandboxCapacity>();
  private nodes: V1Node[] = [];

  constructor(private readonly objects: CustomObjectsApi, private readonly core: CoreV1Api, private readonly ns: string, private readonly clusterId: string) {}

  async refresh(): Promise<void> {
    const listed = (await this.objects.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.ns, plural: PLURAL })) as { items: SandboxCapacity[] };
    this.resources = new Map(listed.items.map((sc) => [`${this.ns}/${sc.metadata.name}`, sc]));
    this.nodes = (await this.core.listNode()).items;
  }

  get(key: string): SandboxCapacity | undefined {
    return this.resources.get(key);
  }

  matchingNodes(capacity: SandboxCapacity): ObservedNode[] {
    return this.nodes.filter((n) => countsFor(capacity, n.metadata?.labels)).map((n) => toObservedNode(n, capacity.spec.zoneLabel));
  }

  /** The step's own cluster, as --cluster-id names it (the shared test API server holds Nodes of many). */
  clusterIdentity(): ClusterIdentity {
    return clusterIdentity([this.clusterId], []);
  }

  overlaps(capacity: SandboxCapacity): Overlaps {
    return overlapsOf(capacity, [...this.resources.values()]);
  }
}

/** What a test may swap in for one step. Each wrapper receives the real port. */
export interface StepWrappers {
  api?: (real: AckApi) => AckApi;
  store?: (real: StatusStore) => StatusStore;
  budget?: (real: CallBudget) => CallBudget;
  secrets?: (real: SecretReader) => SecretReader;
}

export interface Step extends CapacityObjects {
  ns: string;
  clusterId: string;
  sim: AckSimulator;
  objects: CustomObjectsApi;
  core: CoreV1Api;
  fence: { leading: boolean } & LeaderFence;
  /** Reads the resource (default name "workers") and the Nodes fresh, then runs exactly one reconcile. */
  reconcile(wrappers?: StepWrappers, name?: string): Promise<WorkResult>;
  /** ScaleOutCluster requests the simulator answered (with any status). */
  scaleOutRequests(): { status: number; count: number; intentTag: string | undefined }[];
  close(): Promise<void>;
}

function intentTagOfBody(body: unknown): string | undefined {
  const tags = (body as { tags?: { key: string; value: string }[] } | undefined)?.tags ?? [];
  return tags.find((tag) => tag.key === 'capacity.sandbox.dev/intent')?.value;
}

function silentLogger(): Logger {
  const sink = new PassThrough();
  sink.resume();
  return createLogger('debug', sink);
}

export async function startStep(simOptions: AckSimulatorOptions = {}): Promise<Step> {
  const { kubeConfig: kc } = testbed();
  const ns = await createTestNamespace('step');
  const clusterId = simOptions.clusters?.[0]?.clusterId ?? newClusterId();
  const sim = await startAckSimulator({ kubeConfig: kc, taskDurationMs: 60_000, joinDelayMs: 300, heartbeatIntervalMs: 0, clusters: [{ clusterId, regionId: 'cn-hangzhou' }], ...simOptions });
  const core = kc.makeApiClient(CoreV1Api);
  const objects = kc.makeApiClient(CustomObjectsApi);
  await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'ack-credentials' }, stringData: { accessKeyId: sim.accessKeyId, accessKeySecret: sim.accessKeySecret } } });
  const crud = capacityObjects(objects, ns);
  const cache = new SnapshotCache(objects, core, ns, clusterId);
  const realFactory = createAckApiFactory({ endpointOverride: `http://${sim.endpoint}`, connectTimeoutMs: 5000, readTimeoutMs: 15000 });
  const realStore = new KubeStatusStore(objects);
  const realBudget = new TokenBucketCallBudget(systemClock, { qps: 50, burst: 50 });
  const realSecrets = kubeSecretReader(core);
  const logger = silentLogger();
  const events = new EventRecorder({ core, logger, instance: 'step-test' });
  const fence = { leading: true, isLeading(): boolean { return this.leading; } };
  // One Reconciler for the whole test, as in production: its poll memory carries from step to step.
  let wrappers: StepWrappers = {};
  const clients: AckApiFactory = (region, source) => (wrappers.api ?? ((a: AckApi) => a))(realFactory(region, source));
  const reconciler = new Reconciler({
    cache,
    store: {
      write: (c, st) => (wrappers.store?.(realStore) ?? realStore).write(c, st),
      readFresh: (n, m) => (wrappers.store?.(realStore) ?? realStore).readFresh(n, m),
      writeFinalizers: (c, f) => (wrappers.store?.(realStore) ?? realStore).writeFinalizers(c, f),
    },
    events,
    reads: { secrets: { read: (n, m) => (wrappers.secrets?.(realSecrets) ?? realSecrets).read(n, m) }, nodes: kubeNodeReader(core) },
    cloud: { clients, budget: { acquire: () => (wrappers.budget?.(realBudget) ?? realBudget).acquire() } },
    fence,
    clock: systemClock,
    options: { dryRun: false, recoveryWindowMs: 15_000, random: Math.random, logger },
  });
  return {
    ns, clusterId, sim, objects, core, fence, ...crud,
    async get(name = 'workers') {
      return withCurrentSpellings(await crud.get(name));
    },
    async reconcile(stepWrappers = {}, name = 'workers') {
      wrappers = stepWrappers;
      try {
        await cache.refresh();
        return await reconciler.reconcile(`${ns}/${name}`);
      } finally {
        wrappers = {};
      }
    },
    scaleOutRequests() {
      return sim.control.requests({ action: 'ScaleOutCluster' }).map((r) => ({ status: r.status, count: Number((r.body as { count?: unknown } | undefined)?.count), intentTag: intentTagOfBody(r.body) }));
    },
    async close() {
      await sim.close();
    },
  };
}

export { baseSpec };
