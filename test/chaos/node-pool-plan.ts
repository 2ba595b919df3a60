// What a node-pool run draws from its seed (see run-plan.ts for the shared part): the storm of the
// simulator's node-pool faults, the kill targets of the desired-size write path, and the episodes
// the harness stages on the pool itself before a kill (a pool held busy, a stock-out that clears, a
// desired size lowered out of band that driftPolicy Enforce writes back).
import type { FaultRuleInput } from '../../src/simulator/index.js';
import type { Rng } from './prng.js';

/** The sandbox pool of a node-pool run (each run has its own simulator, so one fixed id is enough). */
export const CHAOS_POOL_ID = 'np-sandbox';

/**
 * Where a kill is aimed in node-pool mode (node-pool-kill-points.ts lands them):
 *   before-call    between lastWrite persisted and ModifyClusterNodePool (low cloud QPS widens it)
 *   after-call     the write was carried out, its answer held back
 *   status-write   an answer (write or read) is being folded and written to the status
 *   while-scaling  the pool is scaling towards its desired size
 *   idle           settled, nothing to do
 */
export const NODE_POOL_TARGETS = ['before-call', 'after-call', 'status-write', 'while-scaling', 'idle'] as const;
export type NodePoolTarget = (typeof NODE_POOL_TARGETS)[number];

/** What the harness does to the pool just before approaching a kill target. */
export type PoolEpisode =
  | { kind: 'none' }
  /** The pool is held in a busy state (writes refused with InvalidStatus.NodePool) for a while. */
  | { kind: 'busy'; state: 'updating' | 'scaling' | 'removing'; durationMs: number }
  /** Every vSwitch of the pool is out of stock for a while: launches fail, ESS retries. */
  | { kind: 'stock-out'; durationMs: number }
  /** Someone lowers the desired size by `by` (console, another tool); Enforce writes spec.replicas back. */
  | { kind: 'lowered'; by: number };

function poolLostResponse(rng: Rng): FaultRuleInput {
  const mode = rng.pick(['error', 'reset', 'timeout'] as const);
  const rule: FaultRuleInput = { kind: 'lost-response', action: 'ModifyClusterNodePool', probability: rng.between(0.15, 0.4), mode };
  if (mode === 'timeout') rule.delayMs = rng.int(1_000, 6_000);
  return rule;
}

/**
 * The node-pool storm. A lost answer after the write took effect is always in; the rest are drawn:
 * throttling, 5xx and HTML answers on the write and the read, slow answers (some beyond the
 * controller's 4 s read timeout), and a pool stock-out that clears after a few launches. None of
 * them costs a recovery window: an unknown outcome is settled by reading the pool again.
 */
export function drawPoolStorm(rng: Rng): FaultRuleInput[] {
  const faults: FaultRuleInput[] = [];
  const maybe = (p: number, make: () => FaultRuleInput): void => { if (rng.chance(p)) faults.push(make()); };
  faults.push(poolLostResponse(rng));
  maybe(0.7, () => ({ kind: 'throttle', probability: rng.between(0.05, 0.3), retryAfterMs: rng.int(0, 800) }));
  maybe(0.5, () => ({ kind: 'unavailable', action: 'ModifyClusterNodePool', probability: rng.between(0.05, 0.3) }));
  maybe(0.5, () => ({ kind: 'unavailable', action: 'DescribeClusterNodePoolDetail', probability: rng.between(0.05, 0.3) }));
  maybe(0.3, () => ({ kind: 'non-json', action: 'DescribeClusterNodePoolDetail', probability: rng.between(0.05, 0.2) }));
  maybe(0.4, () => ({ kind: 'slow', action: 'DescribeClusterNodePoolDetail', probability: rng.between(0.1, 0.3), delayMs: rng.int(200, 5_000) }));
  maybe(0.3, () => ({ kind: 'slow', action: 'ModifyClusterNodePool', probability: rng.between(0.1, 0.3), delayMs: rng.int(200, 6_000) }));
  // A stock-out that ends by itself: `times` counts the pool launches it hits.
  maybe(0.4, () => ({ kind: 'no-stock', nodepoolId: CHAOS_POOL_ID, probability: rng.between(0.2, 0.5), times: rng.int(1, 3) }));
  return faults;
}

/** One episode per kill: mostly none; an out-of-band lowering only in runs that allow it. */
export function drawEpisodes(rng: Rng, kills: number): PoolEpisode[] {
  const lowering = rng.chance(0.5);
  return Array.from({ length: kills }, (): PoolEpisode => {
    const roll = rng.next();
    if (roll < 0.2) return { kind: 'busy', state: rng.pick(['updating', 'updating', 'scaling', 'removing'] as const), durationMs: rng.int(500, 4_000) };
    if (roll < 0.4) return { kind: 'stock-out', durationMs: rng.int(1_000, 6_000) };
    if (lowering && roll < 0.5) return { kind: 'lowered', by: rng.int(1, 2) };
    return { kind: 'none' };
  });
}

export function describeEpisodes(episodes: readonly PoolEpisode[]): string {
  const counts = episodes.reduce<Record<string, number>>((acc, e) => (e.kind === 'none' ? acc : { ...acc, [e.kind]: (acc[e.kind] ?? 0) + 1 }), {});
  const parts = Object.entries(counts).map(([kind, n]) => `${kind} ${n}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}
