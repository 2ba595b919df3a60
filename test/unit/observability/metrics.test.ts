// The exposition text Prometheus scrapes: standard names and labels for the process, work queue,
// reconcile and leader families, driven by a real WorkQueue, runWorkers and the fake clock.
import { expect } from 'chai';
import { FakeClock } from '../../../src/kube/fake-clock.js';
import { ItemExponentialRateLimiter } from '../../../src/kube/rate-limiter.js';
import { runWorkers } from '../../../src/kube/run-workers.js';
import { WorkQueue } from '../../../src/kube/work-queue.js';
import { BUILD_INFO } from '../../../src/observability/build-info.js';
import { CONTROLLER_NAME, createMetrics, forgetResource } from '../../../src/observability/metrics.js';
import { captureLogger, flush } from '../kube/helpers.js';

/** Sample lines of one family (or of one series with its labels), without HELP/TYPE. */
function samples(text: string, prefix: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(prefix));
}

describe('operator metrics exposition', () => {
  it('exports prom-client\'s process and Node.js metrics under their standard, unprefixed names', async () => {
    const text = await createMetrics().registry.metrics();
    expect(text).to.match(/^process_cpu_seconds_total \d/m);
    expect(text).to.match(/^process_resident_memory_bytes \d/m);
    expect(text).to.match(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(text).to.not.include('sandbox_capacity_process_');
  });

  it('exports build_info = 1 with the package and Node.js versions', async () => {
    const text = await createMetrics({ defaultMetrics: false }).registry.metrics();
    expect(BUILD_INFO.version).to.match(/^\d+\.\d+\.\d+/);
    expect(samples(text, 'sandbox_capacity_build_info')).to.deep.equal([`sandbox_capacity_build_info{version="${BUILD_INFO.version}",node_version="${process.version}"} 1`]);
  });

  it('exports client-go\'s workqueue_* and controller-runtime\'s reconcile series for a queue and its workers', async () => {
    const clock = new FakeClock();
    const m = createMetrics({ defaultMetrics: false });
    const queue = new WorkQueue({ clock, metrics: m.workQueues.forQueue(CONTROLLER_NAME), rateLimiter: new ItemExponentialRateLimiter({ baseDelayMs: 100, maxDelayMs: 1000 }) });
    const { logger } = captureLogger();
    let release: () => void = () => undefined;
    const workers = runWorkers(queue, 2, async (key) => {
      if (key === 'ns/slow') await new Promise<void>((resolve) => { release = resolve; });
      if (key === 'ns/bad') throw new Error('boom');
      return { requeueAfterMs: 60_000 };
    }, logger, { metrics: m.reconciles.forController(CONTROLLER_NAME), clock });

    queue.add('ns/a');
    queue.add('ns/bad');
    await flush();
    queue.add('ns/slow');
    await flush();
    clock.set(clock.now() + 7000);
    const text = await m.registry.metrics();
    const labels = '{name="sandboxcapacity",controller="sandboxcapacity"}';
    expect(text).to.include('# TYPE workqueue_depth gauge');
    expect(samples(text, 'workqueue_depth')).to.deep.equal([`workqueue_depth${labels} 0`]);
    expect(samples(text, 'workqueue_adds_total')).to.deep.equal([`workqueue_adds_total${labels} 3`]);
    expect(samples(text, 'workqueue_retries_total')).to.deep.equal([`workqueue_retries_total${labels} 2`]);
    expect(samples(text, 'workqueue_unfinished_work_seconds')).to.deep.equal([`workqueue_unfinished_work_seconds${labels} 7`]);
    expect(samples(text, 'workqueue_longest_running_processor_seconds')).to.deep.equal([`workqueue_longest_running_processor_seconds${labels} 7`]);
    expect(text).to.include(`workqueue_queue_duration_seconds_count${labels} 3`);
    expect(text).to.include(`workqueue_work_duration_seconds_count${labels} 2`);
    expect(text).to.include('workqueue_queue_duration_seconds_bucket{le="0.001",name="sandboxcapacity",controller="sandboxcapacity"} 3');

    const c = 'controller="sandboxcapacity"';
    expect(samples(text, 'controller_runtime_reconcile_total')).to.have.members([
      `controller_runtime_reconcile_total{${c},result="success"} 0`,
      `controller_runtime_reconcile_total{${c},result="error"} 1`,
      `controller_runtime_reconcile_total{${c},result="requeue"} 0`,
      `controller_runtime_reconcile_total{${c},result="requeue_after"} 1`,
    ]);
    expect(samples(text, 'controller_runtime_reconcile_errors_total')).to.deep.equal([`controller_runtime_reconcile_errors_total{${c}} 1`]);
    expect(samples(text, 'controller_runtime_active_workers')).to.deep.equal([`controller_runtime_active_workers{${c}} 1`]);
    expect(samples(text, 'controller_runtime_max_concurrent_reconciles')).to.deep.equal([`controller_runtime_max_concurrent_reconciles{${c}} 2`]);
    expect(text).to.include(`controller_runtime_reconcile_time_seconds_count{${c}} 2`);

    release();
    await flush();
    const after = await m.registry.metrics();
    expect(after).to.include(`controller_runtime_reconcile_time_seconds_bucket{le="10",${c}} 3`);
    expect(after).to.include(`controller_runtime_reconcile_time_seconds_bucket{le="5",${c}} 2`);
    expect(samples(after, 'workqueue_unfinished_work_seconds')).to.deep.equal([`workqueue_unfinished_work_seconds${labels} 0`]);
    queue.shutDown();
    await workers;
  });

  it('exports leader_election_master_status per lease name', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.leaderElection.leading('sandbox-capacity-operator', true);
    expect(samples(await m.registry.metrics(), 'leader_election_master_status')).to.deep.equal(['leader_election_master_status{name="sandbox-capacity-operator"} 1']);
    m.leaderElection.leading('sandbox-capacity-operator', false);
    expect(samples(await m.registry.metrics(), 'leader_election_master_status')).to.deep.equal(['leader_election_master_status{name="sandbox-capacity-operator"} 0']);
  });

  it('defines the node-ready histogram with bare-metal buckets and the backoff gauges per resource, and forgets them with the resource', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.nodeReadyDuration.observe({ namespace: 'ns', name: 'a' }, 420);
    m.consecutiveFailures.set({ namespace: 'ns', name: 'a' }, 3);
    m.nextRetryTimestamp.set({ namespace: 'ns', name: 'a' }, 1_767_225_600);
    const text = await m.registry.metrics();
    const buckets = samples(text, 'sandbox_capacity_node_ready_duration_seconds_bucket').map((l) => /le="([^"]+)"/.exec(l)?.[1]);
    expect(buckets).to.deep.equal(['30', '60', '120', '180', '240', '300', '420', '600', '900', '1200', '1800', '2700', '3600', '+Inf']);
    expect(text).to.include('sandbox_capacity_node_ready_duration_seconds_bucket{le="300",namespace="ns",name="a"} 0');
    expect(text).to.include('sandbox_capacity_node_ready_duration_seconds_bucket{le="420",namespace="ns",name="a"} 1');
    expect(text).to.include('sandbox_capacity_consecutive_failures{namespace="ns",name="a"} 3');
    expect(text).to.include('sandbox_capacity_next_retry_timestamp_seconds{namespace="ns",name="a"} 1767225600');
    forgetResource(m, 'ns', 'a');
    expect(await m.registry.metrics()).to.not.match(/name="a"/);
  });
});
