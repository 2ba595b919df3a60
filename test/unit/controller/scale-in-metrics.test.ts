// Scale-in's series: Nodes removed counted from the pass's ScaleInCompleted Events (a refused removal
// leaves status too, and must not count), drain durations from how the removals' phases changed.
import { expect } from 'chai';
import type { NodeRemoval, SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { observeScaleIn } from '../../../src/controller/resource-metrics.js';
import { createMetrics, forgetResource } from '../../../src/observability/metrics.js';
import { SECOND, T0, capacity, iso } from './helpers.js';

const draining: NodeRemoval = { nodeName: 'n-0', instanceId: 'i-0', phase: 'Draining', startTime: iso(T0) };
const withRemovals = (removals: NodeRemoval[]): SandboxCapacity => capacity({ status: { scaleIn: { removals } } });

async function lines(m: ReturnType<typeof createMetrics>, family: string): Promise<string[]> {
  return (await m.registry.metrics()).split('\n').filter((l) => l.startsWith(family));
}

describe('scale-in metrics', () => {
  it('a drained Node: its drain duration, from the cordon to the removal decision', async () => {
    const m = createMetrics({ defaultMetrics: false });
    observeScaleIn(m, withRemovals([draining]), withRemovals([{ ...draining, phase: 'Removing', removeTime: iso(T0 + 42 * SECOND) }]), [], T0 + 50 * SECOND);
    expect(await lines(m, 'sandbox_capacity_drain_duration_seconds_sum')).to.deep.equal(['sandbox_capacity_drain_duration_seconds_sum{namespace="sandbox-system",name="sandbox-workers",result="drained"} 42']);
    expect(await lines(m, 'sandbox_capacity_nodes_removed_total')).to.deep.equal([]);
  });

  it('a drain given up counts as givenUp; a removal counts only with its ScaleInCompleted Event', async () => {
    const m = createMetrics({ defaultMetrics: false });
    observeScaleIn(m, withRemovals([draining]), withRemovals([]), [], T0 + 10 * SECOND);
    expect(await lines(m, 'sandbox_capacity_drain_duration_seconds_count')).to.deep.equal(['sandbox_capacity_drain_duration_seconds_count{namespace="sandbox-system",name="sandbox-workers",result="givenUp"} 1']);
    const removing = { ...draining, phase: 'Removing' as const };
    observeScaleIn(m, withRemovals([removing]), withRemovals([]), [{ type: 'Warning', reason: 'ScaleInBlocked', message: 'refused' }], T0);
    expect(await lines(m, 'sandbox_capacity_nodes_removed_total'), 'a refusal is not a removal').to.deep.equal([]);
    observeScaleIn(m, withRemovals([removing]), withRemovals([]), [{ type: 'Normal', reason: 'ScaleInCompleted', message: 'gone' }], T0);
    expect(await lines(m, 'sandbox_capacity_nodes_removed_total')).to.deep.equal(['sandbox_capacity_nodes_removed_total{namespace="sandbox-system",name="sandbox-workers"} 1']);
    forgetResource(m, 'sandbox-system', 'sandbox-workers');
    expect(await lines(m, 'sandbox_capacity_nodes_removed_total')).to.deep.equal([]);
    expect(await lines(m, 'sandbox_capacity_drain_duration_seconds_count')).to.deep.equal([]);
  });
});
