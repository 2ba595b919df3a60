import { expect } from 'chai';
import { applyTaskInfo, type TaskInfo, foldTaskInfo } from '../../../src/controller/core/outcomes.js';
import { classifyAckTaskState } from '../../../src/controller/core/tasks.js';
import { EventReason } from '../../../src/controller/core/reasons.js';
import { SECOND, T0, at, capacity, constantRandom, iso, record } from './helpers.js';

const NOW = at(60 * SECOND);
const running = (count: number, extra = {}) => record({ state: 'Running', count, taskId: 'T-1', ...extra });
const ok = (id: string) => ({ data: id, status: 'success' });
const bad = (id: string) => ({ data: id, status: 'failed' });

describe('controller/core task info folding', () => {
  describe('ACK task states', () => {
    const states: [string | undefined, string][] = [
      ['running', 'running'],
      ['success', 'success'],
      ['fail', 'failed'],
      ['failed', 'failed'],
      ['canceled', 'failed'],
      ['cancelled', 'failed'],
      ['Success', 'success'],
      ['pause', 'running'],
      ['something-new', 'running'],
      [undefined, 'running'],
    ];
    for (const [state, verdict] of states) {
      it(`${JSON.stringify(state)} → ${verdict}`, () => {
        expect(classifyAckTaskState(state)).to.equal(verdict);
      });
    }
  });

  describe('applyTaskInfo', () => {
    it('success with every node: record success, completionTime, instance ids', () => {
      const { record: result, transition } = applyTaskInfo(running(2), { state: 'success', taskResult: [ok('i-a'), ok('i-b')] }, NOW);
      expect(transition).to.equal('succeeded');
      expect(result).to.include({ state: 'Succeeded', failedCount: 0, completionTime: iso(NOW) });
      expect(result.instanceIds).to.deep.equal(['i-a', 'i-b']);
    });

    it('fail with partial task_result: the successes are kept, the rest failed', () => {
      const info: TaskInfo = { state: 'fail', taskResult: [ok('i-a'), bad('i-b')], error: { code: '400', message: 'failed to xxx' } };
      const { record: result, transition } = applyTaskInfo(running(5), info, NOW);
      expect(transition).to.equal('failed');
      expect(result.state).to.equal('Failed');
      expect(result.instanceIds).to.deep.equal(['i-a']);
      expect(result.failedCount).to.equal(4);
      expect(result.message).to.contain('1 of 5 nodes created, 4 failed').and.contain('failed to xxx');
    });

    it('fail with no task_result: every node failed', () => {
      const { record: result } = applyTaskInfo(running(3), { state: 'failed' }, NOW);
      expect(result).to.include({ state: 'Failed', failedCount: 3 });
      expect(result.instanceIds).to.deep.equal([]);
    });

    it('success with a failed entry is a partial failure', () => {
      const { record: result, transition } = applyTaskInfo(running(2), { state: 'success', taskResult: [ok('i-a'), bad('i-b')] }, NOW);
      expect(transition).to.equal('failed');
      expect(result).to.include({ state: 'Failed', failedCount: 1 });
    });

    it('success with a short task_result: missing entries are presumed created (ACK says success)', () => {
      const { record: result, transition } = applyTaskInfo(running(3), { state: 'success', taskResult: [ok('i-a')] }, NOW);
      expect(transition).to.equal('succeeded');
      expect(result).to.include({ state: 'Succeeded', failedCount: 0 });
    });

    it('canceled: nothing more comes, the missing nodes failed', () => {
      const { record: result } = applyTaskInfo(running(2), { state: 'canceled', taskResult: [ok('i-a')] }, NOW);
      expect(result).to.include({ state: 'Failed', failedCount: 1 });
    });

    it('running with delivered instances refreshes instanceIds (progress)', () => {
      const { record: result, transition } = applyTaskInfo(running(3), { state: 'running', taskResult: [ok('i-a'), { data: 'i-b', status: 'initial' }] }, NOW);
      expect(transition).to.equal('progress');
      expect(result.state).to.equal('Running');
      expect(result.instanceIds).to.deep.equal(['i-a']);
    });

    it('running with nothing new is no transition', () => {
      const taskRecord = running(3, { instanceIds: ['i-a'] });
      expect(applyTaskInfo(taskRecord, { state: 'running', taskResult: [ok('i-a')] }, NOW)).to.deep.equal({ record: taskRecord, transition: 'none' });
    });

    it('a timedOut task reaching success becomes success', () => {
      const { record: result } = applyTaskInfo(record({ state: 'TimedOut', count: 1, taskId: 'T' }), { state: 'success', taskResult: [ok('i-a')] }, NOW);
      expect(result.state).to.equal('Succeeded');
    });

    it('a finished record ignores further answers (idempotent)', () => {
      const finished = record({ state: 'Succeeded', count: 1, taskId: 'T', instanceIds: ['i-a'] });
      expect(applyTaskInfo(finished, { state: 'fail' }, NOW).transition).to.equal('none');
    });

    it('ignores entries without data and duplicates', () => {
      const { record: result } = applyTaskInfo(running(3), { state: 'fail', taskResult: [ok('i-a'), ok('i-a'), { status: 'success' }] }, NOW);
      expect(result.instanceIds).to.deep.equal(['i-a']);
      expect(result.failedCount).to.equal(2);
    });
  });

  describe('foldTaskInfo', () => {
    const backedOff = (taskRecord = running(2)) =>
      capacity({ status: { tasks: [taskRecord], consecutiveFailures: 3, nextRetryTime: null } });

    it('success resets the failure count and emits ScaleOutSucceeded once', () => {
      const resource = backedOff();
      const first = foldTaskInfo(resource, 'T-1', { state: 'success', taskResult: [ok('i-a'), ok('i-b')] }, NOW, constantRandom(0.5));
      expect(first.status).to.include({ consecutiveFailures: 0, nextRetryTime: null });
      expect(first.events.map((e) => e.reason)).to.deep.equal([EventReason.ScaleOutSucceeded]);
      const again = foldTaskInfo({ ...resource, status: first.status }, 'T-1', { state: 'success', taskResult: [ok('i-a'), ok('i-b')] }, NOW, constantRandom(0.5));
      expect(again.events).to.deep.equal([]);
      expect(again.status).to.deep.equal(first.status);
    });

    it('a partial failure counts as a failure and starts backoff', () => {
      const resource = capacity({ status: { tasks: [running(5)], consecutiveFailures: 0 } });
      const outcome = foldTaskInfo(resource, 'T-1', { state: 'fail', taskResult: [ok('i-a'), ok('i-b')] }, NOW, constantRandom(0));
      expect(outcome.status.consecutiveFailures).to.equal(1);
      expect(outcome.status.nextRetryTime).to.equal(iso(NOW + 10 * SECOND));
      expect(outcome.events.map((e) => [e.type, e.reason])).to.deep.equal([
        ['Warning', EventReason.ScaleOutFailed],
        ['Normal', EventReason.BackingOff],
      ]);
    });

    it('a failure observed while backing off does not compound', () => {
      const resource = capacity({ status: { tasks: [running(5)], consecutiveFailures: 2, nextRetryTime: iso(NOW + 5 * SECOND) } });
      const outcome = foldTaskInfo(resource, 'T-1', { state: 'fail' }, NOW, constantRandom(0));
      expect(outcome.status).to.include({ consecutiveFailures: 2, nextRetryTime: iso(NOW + 5 * SECOND) });
      expect(outcome.events.map((e) => e.reason)).to.deep.equal([EventReason.ScaleOutFailed]);
    });

    it('progress changes the record without events', () => {
      const outcome = foldTaskInfo(backedOff(), 'T-1', { state: 'running', taskResult: [ok('i-a')] }, NOW, constantRandom(0));
      expect(outcome.events).to.deep.equal([]);
      expect(outcome.status.tasks?.[0]?.instanceIds).to.deep.equal(['i-a']);
    });

    it('an unknown task id changes nothing', () => {
      const resource = backedOff();
      const outcome = foldTaskInfo(resource, 'T-unknown', { state: 'success' }, NOW, constantRandom(0));
      expect(outcome.status).to.equal(resource.status);
      expect(outcome.events).to.deep.equal([]);
    });

    it('keeps the other records untouched', () => {
      const other = record({ state: 'Succeeded', count: 1, taskId: 'T-0', startTime: iso(T0) });
      const resource = capacity({ status: { tasks: [running(1), other] } });
      const outcome = foldTaskInfo(resource, 'T-1', { state: 'success', taskResult: [ok('i-a')] }, NOW, constantRandom(0));
      expect(outcome.status.tasks?.[1]).to.deep.equal(other);
    });
  });
});
