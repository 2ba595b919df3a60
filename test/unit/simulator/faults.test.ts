import { expect } from 'chai';
import { parseFaultSpec } from '../../../src/simulator/fault-spec.js';
import type { FaultDecision } from '../../../src/simulator/fault-types.js';
import { FaultEngine, FaultRuleError } from '../../../src/simulator/faults.js';
import { createPrng } from '../../../src/simulator/prng.js';

function kindsOf(decision: FaultDecision): string[] {
  return [decision.request?.kind, decision.task?.kind, decision.node?.kind].filter((kind): kind is NonNullable<typeof kind> => kind !== undefined);
}

function firingPattern(seed: number, calls: number): boolean[] {
  const engine = new FaultEngine(seed);
  engine.add({ kind: 'throttle', probability: 0.5 });
  return Array.from({ length: calls }, () => engine.decide('DescribeTaskInfo').request !== undefined);
}

describe('simulator fault rules', () => {
  describe('PRNG', () => {
    it('repeats its sequence for a seed and differs between neighbouring seeds', () => {
      const draw = (seed: number): number[] => {
        const prng = createPrng(seed);
        return Array.from({ length: 5 }, () => prng.next());
      };
      expect(draw(7)).to.deep.equal(draw(7));
      expect(draw(7)).not.to.deep.equal(draw(8));
      for (const value of draw(0)) {
        expect(value).to.be.at.least(0).and.below(1);
      }
    });
  });

  it('fires a probabilistic rule the same way for the same seed', () => {
    const pattern = firingPattern(42, 40);
    expect(firingPattern(42, 40)).to.deep.equal(pattern);
    expect(pattern.filter(Boolean).length, 'roughly half of 40 calls').to.be.within(8, 32);
  });

  it('clear() restarts the sequence from the seed', () => {
    const engine = new FaultEngine(3);
    engine.add({ kind: 'unavailable', probability: 0.5 });
    const first = Array.from({ length: 20 }, () => engine.decide('X').request !== undefined);
    engine.clear();
    engine.add({ kind: 'unavailable', probability: 0.5 });
    expect(Array.from({ length: 20 }, () => engine.decide('X').request !== undefined)).to.deep.equal(first);
  });

  it('a "next N calls" rule fires N times and then retires', () => {
    const engine = new FaultEngine(1);
    const rule = engine.add({ kind: 'unavailable', times: 2 });
    expect(engine.decide('A').request?.id).to.equal(rule.id);
    expect(engine.decide('B').request?.id).to.equal(rule.id);
    expect(engine.decide('C').request).to.equal(undefined);
    expect(engine.list()).to.deep.equal([]);
  });

  it('a rule scoped to an action leaves other actions alone and keeps its count for its own', () => {
    const engine = new FaultEngine(1);
    engine.add({ kind: 'throttle', action: 'ScaleOutCluster', times: 1 });
    expect(engine.decide('DescribeTaskInfo').request).to.equal(undefined);
    expect(engine.decide('ScaleOutCluster').request?.kind).to.equal('throttle');
    expect(engine.decide('ScaleOutCluster').request).to.equal(undefined);
  });

  it('scale-out-only kinds default to ScaleOutCluster; node and stock faults serve node pools too', () => {
    const engine = new FaultEngine(1);
    expect(engine.add({ kind: 'task-fail' }).action).to.equal('ScaleOutCluster');
    expect(engine.add({ kind: 'quota' }).action).to.equal('ScaleOutCluster');
    expect(engine.add({ kind: 'no-stock' }).action).to.equal(undefined);
    expect(engine.add({ kind: 'node-never-joins' }).action).to.equal(undefined);
    expect(engine.add({ kind: 'throttle' }).action).to.equal(undefined);
  });

  it('applies the first firing rule of each category together', () => {
    const engine = new FaultEngine(1);
    engine.add({ kind: 'lost-response', times: 1 });
    engine.add({ kind: 'throttle', times: 1 });
    engine.add({ kind: 'task-fail', failFraction: 0.5, times: 1 });
    engine.add({ kind: 'node-not-ready', times: 1 });
    const first = engine.decide('ScaleOutCluster');
    expect(kindsOf(first)).to.deep.equal(['lost-response', 'task-fail', 'node-not-ready']);
    engine.commit(first);
    expect(kindsOf(engine.decide('ScaleOutCluster')), 'the throttle rule was not used up').to.deep.equal(['throttle']);
  });

  it('uses up task and node faults only for a call that created a task', () => {
    const engine = new FaultEngine(1);
    engine.add({ kind: 'throttle', times: 1 });
    engine.add({ kind: 'task-fail', times: 1 });
    const refused = engine.decide('ScaleOutCluster');
    expect(kindsOf(refused)).to.deep.equal(['throttle', 'task-fail']);
    // The throttled call created no task, so nothing is committed: the task fault waits for the next one.
    const accepted = engine.decide('ScaleOutCluster');
    expect(kindsOf(accepted)).to.deep.equal(['task-fail']);
    engine.commit(accepted);
    expect(kindsOf(engine.decide('ScaleOutCluster'))).to.deep.equal([]);
  });

  it('a probability of 0 never fires', () => {
    const engine = new FaultEngine(1);
    engine.add({ kind: 'throttle', probability: 0 });
    expect(Array.from({ length: 50 }, () => engine.decide('A').request).filter(Boolean)).to.deep.equal([]);
  });

  it('removes one rule by id', () => {
    const engine = new FaultEngine(1);
    const first = engine.add({ kind: 'throttle' });
    engine.add({ kind: 'unavailable' });
    expect(engine.remove(first.id)).to.equal(true);
    expect(engine.remove(first.id)).to.equal(false);
    expect(engine.decide('A').request?.kind).to.equal('unavailable');
  });

  it('refuses malformed rules', () => {
    const engine = new FaultEngine(1);
    expect(() => engine.add({ kind: 'explode' as never })).to.throw(FaultRuleError, /unknown fault kind/);
    expect(() => engine.add({ kind: 'throttle', probability: 1.5 })).to.throw(FaultRuleError, /probability/);
    expect(() => engine.add({ kind: 'throttle', times: 0 })).to.throw(FaultRuleError, /times/);
    expect(() => engine.add({ kind: 'throttle', times: 1.5 })).to.throw(FaultRuleError, /times/);
    expect(() => engine.add({ kind: 'lost-response', mode: 'vanish' as never })).to.throw(FaultRuleError, /mode/);
  });

  describe('stock and launch faults (where instances are placed)', () => {
    const h = { vswitchId: 'vsw-h', zone: 'zone-h' };
    const i = { vswitchId: 'vsw-i', zone: 'zone-i' };

    it('a no-stock rule is never decided per call, only asked about placements', () => {
      const engine = new FaultEngine(1);
      engine.add({ kind: 'no-stock' });
      expect(engine.decide('ScaleOutCluster')).to.deep.equal({});
      expect(engine.stockOuts({ placements: [h] }).map((rule) => rule.kind)).to.deep.equal(['no-stock']);
    });

    it('scopes by zone and vSwitch, and counts a question once however many placements it covers', () => {
      const engine = new FaultEngine(1);
      const zone = engine.add({ kind: 'no-stock', zone: 'zone-h', times: 2 });
      engine.add({ kind: 'no-stock', vswitchId: 'vsw-i' });
      expect(engine.stockOuts({ placements: [{ vswitchId: 'vsw-x', zone: 'zone-x' }] })).to.deep.equal([]);
      expect(engine.stockOuts({ placements: [h, { vswitchId: 'vsw-h2', zone: 'zone-h' }] }).map((rule) => rule.id)).to.deep.equal([zone.id]);
      expect(engine.list().find((rule) => rule.id === zone.id)?.fired).to.equal(1);
      expect(engine.stockOuts({ placements: [h, i] })).to.have.length(2);
      expect(engine.list().map((rule) => rule.vswitchId), 'the zone rule retired after two questions').to.deep.equal(['vsw-i']);
    });

    it('keeps pool-scoped rules off ScaleOutCluster and ScaleOutCluster-scoped ones off pools', () => {
      const engine = new FaultEngine(1);
      engine.add({ kind: 'no-stock', nodepoolId: 'np-a' });
      engine.add({ kind: 'no-stock', action: 'ScaleOutCluster' });
      expect(engine.stockOuts({ placements: [h] }).map((rule) => rule.action)).to.deep.equal(['ScaleOutCluster']);
      expect(engine.stockOuts({ nodepoolId: 'np-a', placements: [h] }).map((rule) => rule.nodepoolId)).to.deep.equal(['np-a']);
      expect(engine.stockOuts({ nodepoolId: 'np-b', placements: [h] })).to.deep.equal([]);
    });

    it('a node fault without action serves ScaleOutCluster calls and pool launches; a scoped one only its own', () => {
      const engine = new FaultEngine(1);
      engine.add({ kind: 'node-never-joins', nodepoolId: 'np-a', times: 1 });
      engine.add({ kind: 'node-not-ready', action: 'ScaleOutCluster' });
      engine.add({ kind: 'node-disappears', times: 1 });
      expect(engine.decide('ModifyClusterNodePool').node, 'no call but ScaleOutCluster creates instances').to.equal(undefined);
      expect(engine.decide('ScaleOutCluster').node?.kind).to.equal('node-not-ready');
      expect(engine.launchNodeFault('np-b')?.kind).to.equal('node-disappears');
      expect(engine.launchNodeFault('np-a')?.kind).to.equal('node-never-joins');
      expect(engine.launchNodeFault('np-a')).to.equal(undefined);
      expect(engine.list().map((rule) => rule.kind)).to.deep.equal(['node-not-ready']);
    });

    it('refuses scopes that could never fire', () => {
      const engine = new FaultEngine(1);
      expect(() => engine.add({ kind: 'no-stock', action: 'ModifyClusterNodePool' })).to.throw(FaultRuleError, /action may only be ScaleOutCluster/);
      expect(() => engine.add({ kind: 'node-never-joins', action: 'ScaleClusterNodePool' })).to.throw(FaultRuleError, /nodepoolId/);
      expect(() => engine.add({ kind: 'throttle', zone: 'zone-h' })).to.throw(FaultRuleError, /only apply to no-stock/);
      expect(() => engine.add({ kind: 'task-fail', nodepoolId: 'np-a' })).to.throw(FaultRuleError, /nodepoolId only applies/);
      expect(() => engine.add({ kind: 'no-stock', nodepoolId: 'np-a', action: 'ScaleOutCluster' })).to.throw(FaultRuleError, /exclude each other/);
      expect(() => engine.add({ kind: 'no-stock', zone: 7 as never })).to.throw(FaultRuleError, /zone must be a string/);
    });
  });

  describe('command-line fault specs', () => {
    it('parses stock-out scopes', () => {
      expect(parseFaultSpec('no-stock:zone=cn-hangzhou-h,times=2')).to.deep.equal({ kind: 'no-stock', zone: 'cn-hangzhou-h', times: 2 });
      expect(parseFaultSpec('no-stock:vswitchId=vsw-a,nodepoolId=np-1')).to.deep.equal({ kind: 'no-stock', vswitchId: 'vsw-a', nodepoolId: 'np-1' });
    });

    it('parses kind and settings with numbers and text', () => {
      expect(parseFaultSpec('throttle:probability=0.3,retryAfterMs=2000,action=ScaleOutCluster')).to.deep.equal({
        kind: 'throttle',
        probability: 0.3,
        retryAfterMs: 2000,
        action: 'ScaleOutCluster',
      });
      expect(parseFaultSpec('task-stuck')).to.deep.equal({ kind: 'task-stuck' });
    });

    it('refuses unknown kinds, unknown settings and non-numbers', () => {
      expect(() => parseFaultSpec('melt')).to.throw(/unknown fault kind/);
      expect(() => parseFaultSpec('throttle:colour=red')).to.throw(/unknown fault setting/);
      expect(() => parseFaultSpec('throttle:times=many')).to.throw(/needs a number/);
    });
  });
});
