// Property: whatever happens — calls answered, lost or refused, crashes between any two steps of the
// exactly-once path, instances that join late, never, or under labels the selector does not pick,
// instances released by hand, the resource deleted and applied again, zones out of stock — the core
//   1. never buys more than needed: instances created ≤ replicas + failed + released + maxUnjoinedNodes;
//   2. never sends a request while an earlier request's outcome is unknown;
//   3. says why whenever it stops short of its target (Ready=False with Stalled or Reconciling True);
//   4. gets there once the world lets it: live nodes reach replicas, or it is Stalled on instances a
//      human must look at.
// Histories come from fast-check; a failure is printed shrunk, with the seed and path that replay it:
//   SCO_PROPERTY_SEED=<seed> SCO_PROPERTY_PATH=<path> npx mocha --config test/mocharc.unit.json
// SCO_PROPERTY_RUNS sets how many histories (default 100000; npm run chaos passes more).
import { expect } from 'chai';
import fc from 'fast-check';
import type { SandboxCapacity } from '../../../../src/api/sandbox-capacity.js';
import { conditionOf, capacity, T0, MINUTE, SECOND } from '../helpers.js';
import { World, type Answer, type Join } from './world.js';

type Step =
  | { kind: 'reconcile' }
  | { kind: 'crash'; at: 'after-intent' | 'after-call' }
  | { kind: 'advance'; ms: number }
  | { kind: 'recreate' }
  | { kind: 'fix-labels' }
  | { kind: 'release' }
  | { kind: 'stock-out'; vswitch: string }
  | { kind: 'restock' };

interface History {
  seed: number;
  replicas: number;
  maxUnjoined: number;
  multiAz: boolean;
  answers: Answer[];
  joins: Join[];
  failures: number[];
  steps: Step[];
}

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'reconcile' } as const) },
  { weight: 2, arbitrary: fc.constantFrom<Step>({ kind: 'crash', at: 'after-intent' }, { kind: 'crash', at: 'after-call' }) },
  { weight: 5, arbitrary: fc.constantFrom(5 * SECOND, 30 * SECOND, 2 * MINUTE, 11 * MINUTE).map((ms): Step => ({ kind: 'advance', ms })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'recreate' } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'fix-labels' } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'release' } as const) },
  { weight: 1, arbitrary: fc.constantFrom('vsw-a', 'vsw-b').map((vswitch): Step => ({ kind: 'stock-out', vswitch })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restock' } as const) },
);

const historyArb: fc.Arbitrary<History> = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  replicas: fc.integer({ min: 1, max: 5 }),
  maxUnjoined: fc.constantFrom(0, 0, 1),
  multiAz: fc.boolean(),
  answers: fc.array(fc.constantFrom<Answer>('answered', 'answered', 'lost-created', 'lost-not-created', 'refused-transient', 'refused-busy', 'refused-stock'), { maxLength: 6 }),
  joins: fc.array(fc.constantFrom<Join>('joins', 'joins', 'late', 'never', 'mismatch'), { maxLength: 6 }),
  failures: fc.array(fc.constantFrom(0, 0, 0.5, 1), { maxLength: 3 }),
  steps: fc.array(stepArb, { minLength: 4, maxLength: 16 }),
});

function template(h: History): SandboxCapacity {
  const resource = capacity({
    spec: { replicas: h.replicas },
    limits: { maxUnjoinedNodes: h.maxUnjoined, maxNodesPerScaleOut: 3, maxInFlightNodes: 6 },
    vswitchIds: h.multiAz ? ['vsw-a', 'vsw-b'] : ['vsw-a'],
    status: { ledgerCheckedAt: undefined },
  });
  return { ...resource, spec: { ...resource.spec, backoff: { initial: '10s', max: '2m' } } };
}

/** A small seeded PRNG (mulberry32): the core's jitter and intent ids are reproducible per history. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function toldWhy(sc: SandboxCapacity | undefined, live: number): string | undefined {
  const status = sc?.status;
  if (status === undefined || live >= (sc?.spec.replicas ?? 0)) return undefined;
  const ready = conditionOf(status, 'Ready');
  const working = conditionOf(status, 'Stalled').status === 'True' || conditionOf(status, 'Reconciling').status === 'True';
  return ready.status === 'False' && working ? undefined : `short of target (${live} of ${sc?.spec.replicas ?? 0}) without saying why: ${JSON.stringify(status.conditions)}`;
}

function play(h: History): void {
  const world = new World(template(h), T0);
  world.answers = [...h.answers];
  world.joins = [...h.joins];
  world.failures = [...h.failures];
  const random = seeded(h.seed);
  for (const step of h.steps) apply(world, step, random);
  settle(world, random);
  const allowed = h.replicas + world.ledger.failedInstances + world.ledger.releasedInstances + h.maxUnjoined;
  const created = world.tasks.reduce((n, t) => n + t.count, 0);
  expect(created, `instances bought (${created}) ≤ replicas + failed + released + maxUnjoinedNodes (${allowed})`).to.be.at.most(allowed);
  expect(world.ledger.calls.filter((c) => c.otherUnknown), 'a call while an earlier outcome was unknown').to.deep.equal([]);
  const live = world.nodes().length;
  const stalledOnInstances = ['NodeSelectorMismatch', 'NodesNotRegistered'].includes(conditionOf(world.stored?.status ?? {}, 'Stalled').reason);
  expect(live >= h.replicas || stalledOnInstances, `settled at ${live} of ${h.replicas}: ${JSON.stringify(world.stored?.status?.conditions)}`).to.equal(true);
}

function apply(world: World, step: Step, random: () => number): void {
  switch (step.kind) {
    case 'reconcile': {
      world.reconcile(random);
      const why = toldWhy(world.stored, world.nodes().length);
      if (why !== undefined) expect.fail(why);
      return;
    }
    case 'crash':
      world.reconcile(random, step.at);
      world.crash();
      return;
    case 'advance':
      world.nowMs += step.ms;
      return;
    case 'recreate':
      world.recreate();
      return;
    case 'fix-labels':
      world.fixLabels();
      return;
    case 'release':
      world.releaseUnjoined();
      return;
    case 'stock-out':
      world.outOfStock.add(step.vswitch);
      return;
    case 'restock':
      world.outOfStock.clear();
      return;
  }
}

/** The world turns good: every call answered, stock everywhere, time passes until the resource is quiet. */
function settle(world: World, random: () => number): void {
  world.answers = [];
  world.outOfStock.clear();
  for (let i = 0; i < 30; i += 1) {
    world.nowMs += i < 6 ? 30 * SECOND : i < 12 ? 3 * MINUTE : 15 * MINUTE;
    world.reconcile(random);
    if (i >= 12 && quiet(world)) return;
  }
}

/** Nothing more can happen by itself: no request unfinished, no join grace running, no backoff pending. */
function quiet(world: World): boolean {
  const status = world.stored?.status;
  const lastDecision = status?.lastDecision?.reason ?? '';
  return !['ScalingOut', 'WaitingForNodes', 'WaitingForNodesReady', 'OutcomeUnknown', 'BackingOff', 'ClusterBusy', 'OutOfStock', 'InFlightLimit'].includes(lastDecision);
}

const runs = Number(process.env.SCO_PROPERTY_RUNS ?? 100_000);
const seed = process.env.SCO_PROPERTY_SEED === undefined ? undefined : Number(process.env.SCO_PROPERTY_SEED);
const path = process.env.SCO_PROPERTY_PATH;

describe('controller/core under generated histories (fast-check)', function () {
  this.timeout(600_000);

  it(`buys no more than needed, never blindly, says why it stops, and gets there (${runs} histories)`, () => {
    const started = process.hrtime.bigint();
    fc.assert(fc.property(historyArb, play), { numRuns: runs, ...(seed === undefined ? {} : { seed }), ...(path === undefined ? {} : { path }) });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // Printed so the cost of the property stays visible next to its value.
    console.log(`      ${runs} histories in ${seconds.toFixed(1)} s`);
  });
});
