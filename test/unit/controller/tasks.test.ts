import { expect } from 'chai';
import type { TaskRecord } from '../../../src/api/sandbox-capacity.js';
import { MAX_TASK_HISTORY, isUnfinished, markTimedOut, pruneHistory, withCurrentSpellings } from '../../../src/controller/core/tasks.js';
import { EventReason } from '../../../src/controller/core/reasons.js';
import { MINUTE, SECOND, T0, capacity, iso, planAt, record } from './helpers.js';

const TIMEOUT = 30 * MINUTE;

describe('controller/core task history', () => {
  describe('timeouts', () => {
    it('a running task past taskTimeout becomes timedOut with one TaskTimedOut event', () => {
      const result = markTimedOut([record({ state: 'Running', taskId: 'T-1', count: 2 })], TIMEOUT, T0 + TIMEOUT);
      expect(result.tasks[0]?.state).to.equal('TimedOut');
      expect(result.events).to.have.length(1);
      expect(result.events[0]).to.include({ type: 'Warning', reason: EventReason.TaskTimedOut });
      expect(result.events[0]?.message).to.contain('T-1');
    });

    it('a running task just before the timeout stays running', () => {
      const result = markTimedOut([record({ state: 'Running', taskId: 'T-1' })], TIMEOUT, T0 + TIMEOUT - SECOND);
      expect(result.tasks[0]?.state).to.equal('Running');
      expect(result.events).to.deep.equal([]);
    });

    it('an already timedOut task emits nothing again', () => {
      const result = markTimedOut([record({ state: 'TimedOut', taskId: 'T-1' })], TIMEOUT, T0 + 2 * TIMEOUT);
      expect(result.events).to.deep.equal([]);
    });

    it('Requesting and finished records never time out', () => {
      const records = [record({ state: 'Requesting' }), record({ state: 'Succeeded', taskId: 'T-2' }), record({ state: 'Failed', taskId: 'T-3' })];
      const result = markTimedOut(records, TIMEOUT, T0 + 2 * TIMEOUT);
      expect(result.tasks.map((r) => r.state)).to.deep.equal(['Requesting', 'Succeeded', 'Failed']);
    });
  });

  describe('pruning', () => {
    const finished = (n: number): TaskRecord[] =>
      Array.from({ length: n }, (_, i) => record({ state: 'Succeeded', taskId: `T-${i}`, startTime: iso(T0 - i * MINUTE) }));

    it(`keeps at most ${MAX_TASK_HISTORY} records, the newest`, () => {
      const records = finished(25);
      const kept = pruneHistory(records, () => false);
      expect(kept).to.have.length(MAX_TASK_HISTORY);
      expect(kept.map((r) => r.taskId)).to.deep.equal(records.slice(0, MAX_TASK_HISTORY).map((r) => r.taskId));
    });

    it('never drops a record that still counts, even an old one beyond the limit', () => {
      const old = record({ state: 'Running', taskId: 'T-old' });
      const kept = pruneHistory([...finished(25), old], (r) => isUnfinished(r.state));
      expect(kept).to.have.length(MAX_TASK_HISTORY);
      expect(kept.map((r) => r.taskId)).to.include('T-old');
      expect(kept.at(-1)?.taskId).to.equal('T-old');
    });

    it('keeps every must-keep record even when they alone exceed the limit', () => {
      const requesting = Array.from({ length: 22 }, () => record({ state: 'Requesting' }));
      const kept = pruneHistory([...requesting, ...finished(3)], (r) => isUnfinished(r.state));
      expect(kept).to.have.length(22);
      expect(kept.every((r) => r.state === 'Requesting')).to.equal(true);
    });

    it('short histories are kept as they are', () => {
      const records = finished(3);
      expect(pruneHistory(records, () => false)).to.deep.equal(records);
    });
  });
});

describe('controller/core task state spellings', () => {
  it('reads the spellings v0.1 wrote as the current ones, and plans on them like on the current ones', () => {
    const legacy = capacity({
      spec: { replicas: 3 },
      status: {
        tasks: [
          { intentId: 'a', taskId: 'T-a', count: 2, state: 'running' as TaskRecord['state'], startTime: iso(T0) },
          { intentId: 'b', taskId: 'T-b', count: 1, state: 'success' as TaskRecord['state'], startTime: iso(T0), completionTime: iso(T0 + MINUTE), instanceIds: ['i-b'] },
          { intentId: 'c', count: 3, state: 'abandoned' as TaskRecord['state'], startTime: iso(T0) },
        ],
      },
    });
    const current = withCurrentSpellings(legacy);
    expect(current.status?.tasks?.map((t) => t.state)).to.deep.equal(['Running', 'Succeeded', 'Abandoned']);
    // Counted as in flight exactly as Running / Succeeded-awaiting-join / Abandoned: 2 + 1 + 0.
    expect(planAt(current, [], T0 + 2 * MINUTE).status.inFlightReplicas).to.equal(3);
    // Nothing legacy: the very same object comes back.
    expect(withCurrentSpellings(current)).to.equal(current);
  });
});
