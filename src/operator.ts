// Composition root of the controller: config → clients → controller → leader election → serve.
// main.ts only dispatches sub-commands and turns signals into stop().
import type { Logger } from 'winston';
import { createAckApiFactory, type AckApiFactory } from './cloud/client-factory.js';
import type { OperatorConfig } from './config.js';
import { SandboxCapacityController } from './controller/controller.js';
import { kubeNodeReader, kubeSecretReader } from './controller/references.js';
import { createKubeClients, loadKubeConfig } from './kube/clients.js';
import { EventRecorder } from './kube/event-recorder.js';
import { LeaderElector } from './kube/leader-lease.js';
import { KubeStatusStore } from './kube/status-store.js';
import { serveEndpoints, type BoundServer } from './observability/http-endpoints.js';
import { createMetrics, type OperatorMetrics } from './observability/metrics.js';

export interface RunningOperator {
  controller: SandboxCapacityController;
  metrics: OperatorMetrics;
  metricsServer?: BoundServer;
  healthServer?: BoundServer;
  stop(): Promise<void>;
}

export interface OperatorOverrides {
  /** Tests may hand in their own cloud factory; production builds one from the config. */
  cloud?: AckApiFactory;
}

/** Mirrors the informers' restart counts into the informer_restarts_total counter. */
function trackInformerRestarts(controller: SandboxCapacityController, metrics: OperatorMetrics): ReturnType<typeof setInterval> {
  const seen = { nodes: 0, sandboxcapacities: 0 };
  const timer = setInterval(() => {
    const now = controller.informerRestarts();
    for (const resource of ['nodes', 'sandboxcapacities'] as const) {
      if (now[resource] > seen[resource]) metrics.informerRestarts.labels(resource).inc(now[resource] - seen[resource]);
      seen[resource] = now[resource];
    }
  }, 5000);
  timer.unref();
  return timer;
}

export async function startOperator(config: OperatorConfig, logger: Logger, overrides: OperatorOverrides = {}): Promise<RunningOperator> {
  const kubeConfig = loadKubeConfig(config.kubeconfig);
  const clients = createKubeClients(kubeConfig);
  const metrics = createMetrics();
  const store = new KubeStatusStore(clients.customObjects);
  const cloud = overrides.cloud ?? createAckApiFactory({
    endpointOverride: config.cloudEndpoint,
    connectTimeoutMs: config.cloudConnectTimeoutMs,
    readTimeoutMs: config.cloudReadTimeoutMs,
    observe: (action, seconds, code) => { metrics.cloudApiDuration.labels(action, code).observe(seconds); },
  });
  const controller = new SandboxCapacityController({
    options: config, clients, store, cloud, logger, metrics,
    events: new EventRecorder({ core: clients.core, logger, instance: config.identity }),
    secrets: kubeSecretReader(clients.core),
    nodes: kubeNodeReader(clients.core),
  });
  let elector: LeaderElector | undefined;
  const ready = (): { ok: boolean; detail: string } => {
    if (!controller.hasSynced()) return { ok: false, detail: 'caches not synced' };
    if (!elector) return { ok: true, detail: 'synced' };
    return { ok: true, detail: elector.isLeading() ? 'synced, leading' : `synced, standing by (leader: ${elector.leader() ?? 'none'})` };
  };
  const metricsServer = await serveEndpoints(config.metricsBindAddress, { registry: metrics.registry });
  const healthServer = await serveEndpoints(config.healthProbeBindAddress, { healthz: () => ({ ok: true, detail: 'alive' }), readyz: ready });
  logger.info('starting', { namespaces: config.namespaces.length > 0 ? config.namespaces : 'all', dryRun: config.dryRun, leaderElect: config.leaderElect, metrics: metricsServer?.address, health: healthServer?.address });
  await controller.startInformers();
  const syncInformerMetrics = trackInformerRestarts(controller, metrics);
  if (config.leaderElect) {
    const e: LeaderElector = new LeaderElector({
      coordination: clients.coordination, namespace: config.leaderElectionNamespace, name: config.leaderElectionId,
      identity: config.identity, logger, metrics: metrics.leaderElection,
      onStartedLeading: () => { controller.startLeading({ isLeading: () => e.isLeaderNow() }); },
      onStoppedLeading: () => { void controller.stopLeading(); },
    });
    elector = e;
    e.start();
  } else {
    controller.startLeading();
  }
  return {
    controller, metrics, ...(metricsServer ? { metricsServer } : {}), ...(healthServer ? { healthServer } : {}),
    async stop() {
      // Stop taking work and finish the reconciles in progress before the lease is released, so the
      // next leader never overlaps with a cloud call of ours.
      await controller.stopLeading();
      await elector?.stop();
      await controller.stop();
      clearInterval(syncInformerMetrics);
      await Promise.all([metricsServer?.close(), healthServer?.close()]);
    },
  };
}
