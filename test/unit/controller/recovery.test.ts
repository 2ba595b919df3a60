import { expect } from 'chai';
import { INTENT_RECOVERY_WINDOW_MS, recoverIntent, intentTagOf, resolveIntent, type ClusterTask } from '../../../src/controller/core/recovery.js';
import { INTENT_TAG_KEY } from '../../../src/api/sandbox-capacity.js';
import { EventReason } from '../../../src/controller/core/reasons.js';
import { MINUTE, SECOND, T0, capacity, constantRandom, iso, record } from './helpers.js';

const START = T0 + 500; // intent written at 10:00:00.500; ACK's created has second precision
const intent = record({ intentId: 'sbc-abc', state: 'Requesting', count: 3, vswitchIds: ['vsw-a'], startTime: new Date(START).toISOString() });
const tagged = (id: string, intentId: string, createdMs = T0 + 2 * SECOND): ClusterTask => ({
  taskId: id,
  taskType: 'cluster_scaleout',
  state: 'Running',
  created: iso(createdMs),
  parameters: { count: 3, tags: [{ key: 'team', value: 'x' }, { key: INTENT_TAG_KEY, value: intentId }] },
});
/** A task whose tags are not visible; `count: null` → no parameters at all. */
const untagged = (id: string, createdMs = T0 + 2 * SECOND, count: number | null = 3): ClusterTask => ({
  taskId: id,
  taskType: 'cluster_scaleout',
  created: iso(createdMs),
  ...(count === null ? {} : { parameters: { count } }),
});

describe('controller/core intent recovery', () => {
  describe('resolveIntent', () => {
    const soon = T0 + 30 * SECOND;
    const late = START + INTENT_RECOVERY_WINDOW_MS;

    it('adopts the task carrying the intent tag', () => {
      const result = resolveIntent(intent, [tagged('T-other', 'sbc-zzz'), tagged('T-mine', 'sbc-abc')], soon);
      expect(result).to.deep.equal({ kind: 'adopt', taskId: 'T-mine', matchedBy: 'tag' });
    });

    it('never adopts a task tagged for another intent, even with equal count', () => {
      expect(resolveIntent(intent, [tagged('T-other', 'sbc-zzz')], soon).kind).to.equal('wait');
    });

    it('tags visible but without an intent tag: not ours', () => {
      const task: ClusterTask = { ...untagged('T-x'), parameters: { count: 3, tags: [{ key: 'team', value: 'x' }] } };
      expect(intentTagOf(task)).to.equal(null);
      expect(resolveIntent(intent, [task], soon).kind).to.equal('wait');
    });

    it('tags not visible: adopts the single candidate with equal count', () => {
      expect(resolveIntent(intent, [untagged('T-1')], soon)).to.deep.equal({ kind: 'adopt', taskId: 'T-1', matchedBy: 'count' });
    });

    it('tags not visible: a candidate without parameters is still a candidate', () => {
      expect(resolveIntent(intent, [untagged('T-1', T0 + SECOND, null)], soon).kind).to.equal('adopt');
    });

    it('tags not visible: a different count is not a match', () => {
      expect(resolveIntent(intent, [untagged('T-1', T0 + SECOND, 2)], soon).kind).to.equal('wait');
    });

    it('tags not visible: two candidates are ambiguous — no adoption', () => {
      const result = resolveIntent(intent, [untagged('T-1'), untagged('T-2')], soon);
      expect(result).to.deep.equal({ kind: 'wait', candidates: ['T-1', 'T-2'] });
    });

    it('accepts a task created in the same second as the intent (created has second precision)', () => {
      expect(resolveIntent(intent, [untagged('T-1', T0)], soon).kind).to.equal('adopt');
    });

    it('accepts a task created slightly before (clock skew allowance)', () => {
      expect(resolveIntent(intent, [untagged('T-1', T0 - 5 * SECOND)], soon).kind).to.equal('adopt');
    });

    it('rejects a task created well before the intent', () => {
      expect(resolveIntent(intent, [untagged('T-1', T0 - MINUTE)], soon).kind).to.equal('wait');
    });

    it('ignores other task types', () => {
      expect(resolveIntent(intent, [{ ...untagged('T-1'), taskType: 'nodepool_upgrade' }], soon).kind).to.equal('wait');
    });

    it('never adopts a task recorded in another record', () => {
      expect(resolveIntent(intent, [untagged('T-1')], soon, { claimedTaskIds: ['T-1'] }).kind).to.equal('wait');
    });

    it('an unparsable created is not a candidate', () => {
      expect(resolveIntent(intent, [{ ...untagged('T-1'), created: 'yesterday' }], soon).kind).to.equal('wait');
    });

    it('parses created with an offset', () => {
      const task = { ...untagged('T-1'), created: '2026-11-26T18:00:03+08:00' };
      expect(resolveIntent(intent, [task], soon).kind).to.equal('adopt');
    });

    it('no match within the window: wait; after it: abandon', () => {
      expect(resolveIntent(intent, [], late - 1)).to.deep.equal({ kind: 'wait', candidates: [] });
      expect(resolveIntent(intent, [], late)).to.deep.equal({ kind: 'abandon', candidates: [] });
    });

    it('the window is overridable (number or options)', () => {
      expect(resolveIntent(intent, [], T0 + 10 * SECOND, 5 * SECOND).kind).to.equal('abandon');
      expect(resolveIntent(intent, [], T0 + 10 * SECOND, { windowMs: 5 * SECOND }).kind).to.equal('abandon');
    });

    it('reads tags given as a map or with capitalised keys', () => {
      expect(intentTagOf({ ...untagged('T'), parameters: { tags: { [INTENT_TAG_KEY]: 'sbc-abc' } } })).to.equal('sbc-abc');
      expect(intentTagOf({ ...untagged('T'), parameters: { tags: [{ Key: INTENT_TAG_KEY, Value: 'sbc-abc' }] } })).to.equal('sbc-abc');
      expect(intentTagOf(untagged('T'))).to.equal(undefined);
    });
  });

  describe('recoverIntent', () => {
    const other = record({ state: 'Running', taskId: 'T-claimed', count: 3, startTime: iso(T0) });
    const resource = () => capacity({ status: { tasks: [intent, other], inFlightReplicas: 6, consecutiveFailures: 0 } });

    it('adopting sets the task id, state running, and emits TaskAdopted', () => {
      const outcome = recoverIntent(resource(), 'sbc-abc', [tagged('T-mine', 'sbc-abc')], T0 + 20 * SECOND, { random: constantRandom(0) });
      expect(outcome.status.tasks?.[0]).to.include({ state: 'Running', taskId: 'T-mine' });
      expect(outcome.events.map((e) => e.reason)).to.deep.equal([EventReason.TaskAdopted]);
      expect(outcome.status.inFlightReplicas).to.equal(6);
    });

    it('does not adopt the task of another record', () => {
      const outcome = recoverIntent(resource(), 'sbc-abc', [untagged('T-claimed')], T0 + 20 * SECOND, { random: constantRandom(0) });
      expect(outcome.events).to.deep.equal([]);
      expect(outcome.status.tasks?.[0]?.state).to.equal('Requesting');
    });

    it('abandoning marks the intent, stops counting it and backs off', () => {
      const now = START + INTENT_RECOVERY_WINDOW_MS;
      const outcome = recoverIntent(resource(), 'sbc-abc', [], now, { random: constantRandom(0) });
      expect(outcome.status.tasks?.[0]).to.include({ state: 'Abandoned' });
      expect(outcome.status.inFlightReplicas).to.equal(3);
      expect(outcome.status.consecutiveFailures).to.equal(1);
      expect(outcome.status.nextRetryTime).to.equal(iso(Math.ceil((now + 10 * SECOND) / 1000) * 1000));
      expect(outcome.events.map((e) => e.reason)).to.deep.equal([EventReason.IntentAbandoned, EventReason.BackingOff]);
    });

    it('with a custom window', () => {
      const outcome = recoverIntent(resource(), 'sbc-abc', [], T0 + 10 * SECOND, { random: constantRandom(0), windowMs: 5 * SECOND });
      expect(outcome.status.tasks?.[0]?.state).to.equal('Abandoned');
    });

    it('waiting changes nothing; a record no longer Requesting is left alone', () => {
      const waiting = recoverIntent(resource(), 'sbc-abc', [], T0 + 20 * SECOND, { random: constantRandom(0) });
      expect(waiting.events).to.deep.equal([]);
      expect(waiting.status).to.deep.equal(resource().status);
      const adopted = recoverIntent(resource(), 'sbc-abc', [tagged('T-mine', 'sbc-abc')], T0 + 20 * SECOND, { random: constantRandom(0) });
      const again = recoverIntent({ ...resource(), status: adopted.status }, 'sbc-abc', [], START + INTENT_RECOVERY_WINDOW_MS, { random: constantRandom(0) });
      expect(again.events).to.deep.equal([]);
      expect(again.status).to.deep.equal(adopted.status);
    });
  });
});
