// /metrics, /healthz and /readyz of a running operator, as Prometheus and the kubelet see them.
import { expect } from 'chai';
import { baseSpec, eventually, startScenario, type Scenario } from '../controller/fixture.js';

async function get(address: string, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://${address}${path}`);
  return { status: res.status, body: await res.text() };
}

describe('operator endpoints', function () {
  this.timeout(120_000);
  let s: Scenario;
  afterEach(async () => { await s.close(); });

  it('serves health, readiness and metrics with per-resource gauges and counters that start at 0', async () => {
    s = await startScenario();
    const op = await s.startOperator(['--metrics-bind-address', '127.0.0.1:0', '--health-probe-bind-address', '127.0.0.1:0']);
    const health = op.healthServer?.address ?? '';
    const metrics = op.metricsServer?.address ?? '';
    expect((await get(health, '/healthz')).status).to.equal(200);
    expect((await get(health, '/readyz')).status).to.equal(200);
    const before = (await get(metrics, '/metrics')).body;
    // Without --leader-elect there is no lease: the worker gauges say the one replica reconciles.
    expect(before).to.match(/^controller_runtime_max_concurrent_reconciles\{controller="sandboxcapacity"\} \d+$/m);
    // Standard process metrics, unprefixed, and what runs.
    expect(before).to.match(/^process_cpu_seconds_total \d/m).and.match(/^nodejs_heap_size_used_bytes \d/m);
    expect(before).to.not.include('sandbox_capacity_process_');
    expect(before).to.match(new RegExp(`^sandbox_capacity_build_info\\{version="\\d+\\.\\d+\\.\\d+[^"]*",node_version="${process.version.replace(/\./g, '\\.')}"\\} 1$`, 'm'));
    await s.apply(baseSpec(s.clusterId, 2));
    const after = await eventually('gauges for the resource', async () => {
      const body = (await get(metrics, '/metrics')).body;
      return body.includes(`sandbox_capacity_ready_replicas{namespace="${s.ns}",name="workers"} 2`) ? body : undefined;
    }, 60_000);
    expect(after).to.include(`sandbox_capacity_desired_replicas{namespace="${s.ns}",name="workers"} 2`);
    const resource = `namespace="${s.ns}",name="workers"`;
    expect(after).to.include(`sandbox_capacity_scale_out_requests_total{${resource},result="accepted",reason="none"} 1`);
    expect(after).to.include(`sandbox_capacity_nodes_requested_total{${resource},result="accepted",reason="none"} 2`);
    // Every other outcome of this resource starts at 0, so an alert's increase() sees the first refusal.
    expect(after).to.include(`sandbox_capacity_scale_out_requests_total{${resource},result="refused",reason="throttled"} 0`);
    expect(after).to.include(`sandbox_capacity_scale_out_requests_total{${resource},result="unknown",reason="unknownOutcome"} 0`);
    expect(after).to.match(new RegExp(`^sandbox_capacity_consecutive_failures\\{${resource}\\} 0$`, 'm'));
    expect(after).to.match(/sandbox_capacity_cloud_api_duration_seconds_count\{action="ScaleOutCluster",code="OK"\} 1/);
    expect((await get(metrics, '/nope')).status).to.equal(404);
  });
});
