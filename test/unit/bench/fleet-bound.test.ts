// The fleet benchmark's lower bound with refreshes: the requests-only figures it must reduce to, a
// case small enough to schedule by hand, and that the schedule it finds keeps every rule it claims.
import { expect } from 'chai';
import { fleetBound, type FleetBoundInput, type ScheduledCall } from '../../../bench/support/fleet-bound.js';

const FLEET: FleetBoundInput = { clusters: 50, resourcesPerCluster: 10, qps: 5, burst: 10, refreshEveryMs: 20_000, firstLook: true, order: 'by-cluster' };

/** Per cluster, the longest time from its first request to the last request of all with no list read of it. */
function longestUnreadMs(calls: readonly ScheduledCall[]): number {
  const endMs = calls.filter((c) => c.kind === 'request').at(-1)?.atMs ?? 0;
  let worst = 0;
  for (const cluster of new Set(calls.map((c) => c.cluster))) {
    const firstTask = calls.find((c) => c.cluster === cluster && c.kind === 'request')?.atMs ?? endMs;
    const reads = calls.filter((c) => c.cluster === cluster && c.kind === 'list' && c.atMs >= firstTask).map((c) => c.atMs);
    const marks = [firstTask, ...reads, endMs];
    for (let i = 1; i < marks.length; i++) worst = Math.max(worst, (marks[i] as number) - (marks[i - 1] as number));
  }
  return worst;
}

describe('fleetBound', () => {
  it('reduces to the requests-only bound, (resources − burst) / qps, with no refresh and no first look', () => {
    expect(fleetBound({ ...FLEET, refreshEveryMs: Infinity, firstLook: false }).lastRequestSeconds).to.equal(98);
    expect(fleetBound({ ...FLEET, refreshEveryMs: Infinity, firstLook: false, order: 'round-robin' }).lastRequestSeconds).to.equal(98);
  });

  it('counts one task-list read per cluster for the first looks: (resources + clusters − burst) / qps', () => {
    const bound = fleetBound({ ...FLEET, refreshEveryMs: Infinity });
    expect(bound.lastRequestSeconds).to.equal(108);
    expect(bound.lists).to.equal(50);
  });

  it('schedules a small case as by hand: look, request, request, the list due at 3 s, request', () => {
    const bound = fleetBound({ clusters: 1, resourcesPerCluster: 3, qps: 1, burst: 1, refreshEveryMs: 2000, firstLook: true, order: 'by-cluster' });
    expect(bound.calls).to.deep.equal([
      { atMs: 0, kind: 'list', cluster: 0 },
      { atMs: 1000, kind: 'request', cluster: 0 },
      { atMs: 2000, kind: 'request', cluster: 0 },
      { atMs: 3000, kind: 'list', cluster: 0 },
      { atMs: 4000, kind: 'request', cluster: 0 },
    ]);
    expect(bound.lastRequestSeconds).to.equal(4);
  });

  it('reads two lists due in the same token interval one token early, so neither is late', () => {
    // Two clusters, each with a task from t = 1 s and 2 s (qps 1): deadlines 4 s and 5 s with refreshes every 3 s.
    const bound = fleetBound({ clusters: 2, resourcesPerCluster: 3, qps: 1, burst: 1, refreshEveryMs: 3000, firstLook: false, order: 'round-robin' });
    expect(longestUnreadMs(bound.calls)).to.be.at.most(3000);
  });

  it('for the benchmark fleet: every running cluster read at least every 20 s, filling clusters one by one is the cheaper order', () => {
    const byCluster = fleetBound(FLEET);
    const roundRobin = fleetBound({ ...FLEET, order: 'round-robin' });
    expect(longestUnreadMs(byCluster.calls)).to.be.at.most(20_000);
    expect(longestUnreadMs(roundRobin.calls)).to.be.at.most(20_000);
    expect(byCluster.calls.filter((c) => c.kind === 'request')).to.have.length(500);
    expect(byCluster.lastRequestSeconds).to.be.above(108);
    expect(byCluster.lastRequestSeconds).to.be.below(roundRobin.lastRequestSeconds);
  });
});
