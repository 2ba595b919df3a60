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
    for (const result of ['accepted', 'refused', 'unknown']) {
      expect(before).to.include(`sandbox_capacity_scale_out_requests_total{result="${result}"} 0`);
    }
    expect(before).to.include('sandbox_capacity_leader 1');
    // Standard process metrics, unprefixed, and what runs.
    expect(before).to.match(/^process_cpu_seconds_total \d/m).and.match(/^nodejs_heap_size_used_bytes \d/m);
    expect(before).to.not.include('sandbox_capacity_process_');
    expect(before).to.match(/^sandbox_capacity_build_info\{version="\d+\.\d+\.\d+[^"]*",node_version="v24\.[^"]+"\} 1$/m);
    await s.apply(baseSpec(s.clusterId, 2));
    const after = await eventually('gauges for the resource', async () => {
      const body = (await get(metrics, '/metrics')).body;
      return body.includes(`sandbox_capacity_ready_replicas{namespace="${s.ns}",name="workers"} 2`) ? body : undefined;
    }, 60_000);
    expect(after).to.include(`sandbox_capacity_desired_replicas{namespace="${s.ns}",name="workers"} 2`);
    expect(after).to.include('sandbox_capacity_scale_out_requests_total{result="accepted"} 1');
    expect(after).to.include('sandbox_capacity_nodes_requested_total{result="accepted"} 2');
    expect(after).to.match(/sandbox_capacity_cloud_api_duration_seconds_count\{action="ScaleOutCluster",code="OK"\} 1/);
    expect((await get(metrics, '/nope')).status).to.equal(404);
  });
});
