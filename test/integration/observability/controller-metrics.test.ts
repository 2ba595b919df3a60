// The client-go / controller-runtime series as Prometheus scrapes them over HTTP, from the real
// pieces that report them: two LeaderElectors on one Lease of the real API server, and a work
// queue whose workers read from that API server.
import { expect } from 'chai';
import { createKubeClients } from '../../../src/kube/clients.js';
import { LeaderElector } from '../../../src/kube/leader-lease.js';
import { ItemExponentialRateLimiter } from '../../../src/kube/rate-limiter.js';
import { runWorkers } from '../../../src/kube/run-workers.js';
import { WorkQueue } from '../../../src/kube/work-queue.js';
import { serveEndpoints, type BoundServer } from '../../../src/observability/http-endpoints.js';
import { CONTROLLER_NAME, createMetrics, type OperatorMetrics } from '../../../src/observability/metrics.js';
import { eventually } from '../../support/eventually.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';
import { silentLogger } from '../kube/helpers.js';

interface Replica {
  metrics: OperatorMetrics;
  server: BoundServer;
  scrape(): Promise<string>;
}

async function replica(): Promise<Replica> {
  const metrics = createMetrics();
  const server = await serveEndpoints('127.0.0.1:0', { registry: metrics.registry });
  if (!server) throw new Error('no metrics server');
  return { metrics, server, scrape: async () => (await fetch(`http://${server.address}/metrics`)).text() };
}

/** The value of one sample line, e.g. series = 'leader_election_master_status{name="x"}'. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('controller metrics on /metrics (real API server)', function () {
  this.timeout(60_000);
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

  it('reports leader_election_master_status{name} 1 on the leader and 0 on the standby, and hands it over on stop', async () => {
    const ns = await createTestNamespace('obs-lease');
    const [a, b] = [await replica(), await replica()];
    const electors = (['a', 'b'] as const).map((identity, i) => new LeaderElector({
      coordination: createKubeClients(testbed().kubeConfig, { requestTimeoutMs: 1_000 }).coordination,
      namespace: ns, name: 'sandbox-capacity-operator', identity, logger: silentLogger(),
      leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 250,
      metrics: [a, b][i]!.metrics.leaderElection,
    }));
    const [ea, eb] = electors as [LeaderElector, LeaderElector];
    cleanups.push(async () => { await Promise.all([ea.stop(), eb.stop(), a.server.close(), b.server.close()]); });
    const series = 'leader_election_master_status{name="sandbox-capacity-operator"}';

    ea.start();
    await eventually('a leads', () => ea.isLeading());
    eb.start();
    await eventually('b reports standing by', async () => value(await b.scrape(), series) === 0);
    expect(value(await a.scrape(), series)).to.equal(1);

    await ea.stop();
    expect(value(await a.scrape(), series)).to.equal(0);
    await eventually('b reports leading', async () => value(await b.scrape(), series) === 1, 10_000);
  });

  it('reports workqueue_* and controller_runtime_* for workers that call the API server', async () => {
    const ns = await createTestNamespace('obs-queue');
    const r = await replica();
    const core = createKubeClients(testbed().kubeConfig).core;
    // A minute of backoff: the failing key is retried once within the test, not every few ms.
    const rateLimiter = new ItemExponentialRateLimiter({ baseDelayMs: 60_000, maxDelayMs: 60_000 });
    const queue = new WorkQueue({ rateLimiter, metrics: r.metrics.workQueues.forQueue(CONTROLLER_NAME) });
    const workers = runWorkers(queue, 2, async (key) => {
      // A real round trip: the ConfigMap named by the key, which exists for "present" only.
      await core.readNamespacedConfigMap({ namespace: ns, name: key });
      return { requeueAfterMs: 60_000 };
    }, silentLogger(), { metrics: r.metrics.reconciles.forController(CONTROLLER_NAME) });
    cleanups.push(async () => { queue.shutDown(); await workers; await r.server.close(); });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'present' } } });

    queue.add('present');
    queue.add('absent');
    const q = '{name="sandboxcapacity",controller="sandboxcapacity"}';
    const c = 'controller="sandboxcapacity"';
    const text = await eventually('both keys processed', async () => {
      const t = await r.scrape();
      return value(t, `controller_runtime_reconcile_time_seconds_count{${c}}`) === 2 ? t : undefined;
    });
    expect(value(text, `controller_runtime_reconcile_total{${c},result="requeue_after"}`)).to.equal(1);
    expect(value(text, `controller_runtime_reconcile_total{${c},result="error"}`)).to.equal(1);
    expect(value(text, `controller_runtime_reconcile_errors_total{${c}}`)).to.equal(1);
    expect(value(text, `controller_runtime_max_concurrent_reconciles{${c}}`)).to.equal(2);
    expect(value(text, `workqueue_adds_total${q}`)).to.equal(2);
    // The failed key went back through the rate limiter, the other waits 60 s: two retries.
    expect(value(text, `workqueue_retries_total${q}`)).to.equal(2);
    expect(value(text, `workqueue_work_duration_seconds_count${q}`)).to.equal(2);
    expect(value(text, `workqueue_queue_duration_seconds_count${q}`)).to.equal(2);
    expect(value(text, `workqueue_longest_running_processor_seconds${q}`)).to.be.a('number');
    expect(text).to.match(/^process_cpu_seconds_total \d/m);
  });
});
