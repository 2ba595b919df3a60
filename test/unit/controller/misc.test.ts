import { expect } from 'chai';
import type { CloudErrorInfo } from '../../../src/cloud/ack-api.js';
import { CLOUD_STALL_REASONS, ERROR_POLICY, delayPolicyFor, describeCloudError, stallReasonFor, toBlocked } from '../../../src/controller/core/failures.js';
import { POLL_RUNNING_MS, POLL_TIMED_OUT_MS, isPollDue } from '../../../src/controller/core/schedule.js';
import { makeIntentId } from '../../../src/controller/core/tasks.js';
import { Reason } from '../../../src/controller/core/reasons.js';
import { readSettings, settingsOf } from '../../../src/controller/core/settings.js';
import { MINUTE, SECOND, T0, baseSpec, capacity, constantRandom, iso, nodes, planAt, record } from './helpers.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('controller/core helpers and purity', () => {
  it('plan never mutates its input and gives the same answer for the same input', () => {
    const resource = deepFreeze(
      capacity({ spec: { replicas: 9 }, status: { tasks: [record({ state: 'Running', taskId: 'T-1', count: 2, startTime: iso(T0 - 40 * MINUTE) })], conditions: [] } }),
    );
    const observed = deepFreeze(nodes(3));
    const first = planAt(resource, observed, T0);
    const second = planAt(resource, observed, T0);
    expect(first).to.deep.equal(second);
  });

  it('intent ids are prefixed, carry the time, and differ with the random source', () => {
    const a = makeIntentId(T0, constantRandom(0.1));
    const b = makeIntentId(T0, constantRandom(0.2));
    expect(a).to.match(/^sbc-[0-9a-z]+-[0-9a-z]{8}$/);
    expect(a).to.not.equal(b);
    expect(makeIntentId(T0, constantRandom(0.999999999999))).to.match(/^sbc-[0-9a-z]+-[0-9a-z]{8}$/);
  });

  describe('poll due', () => {
    const running = record({ state: 'Running', taskId: 'T-1' });
    const timedOut = record({ state: 'TimedOut', taskId: 'T-2' });
    it('never polled: due an interval after the task started (at once for a task found after a restart)', () => {
      const justAccepted = record({ state: 'Running', taskId: 'T-1', startTime: iso(T0) });
      expect(isPollDue(justAccepted, undefined, T0 + 1000)).to.equal(false);
      expect(isPollDue(justAccepted, undefined, T0 + POLL_RUNNING_MS)).to.equal(true);
      expect(isPollDue(justAccepted, undefined, T0 + 3600_000)).to.equal(true);
      expect(isPollDue(record({ state: 'Running', taskId: 'T-1', startTime: 'garbage' }), undefined, T0)).to.equal(true);
    });
    it('running: every 10 s', () => {
      expect(isPollDue(running, T0, T0 + POLL_RUNNING_MS - 1)).to.equal(false);
      expect(isPollDue(running, T0, T0 + POLL_RUNNING_MS)).to.equal(true);
    });
    it('timedOut: every 60 s', () => {
      expect(isPollDue(timedOut, T0, T0 + POLL_RUNNING_MS)).to.equal(false);
      expect(isPollDue(timedOut, T0, T0 + POLL_TIMED_OUT_MS)).to.equal(true);
    });
    it('never for Requesting, finished or id-less records', () => {
      for (const state of ['Requesting', 'Succeeded', 'Failed', 'Abandoned'] as const) expect(isPollDue(record({ state, taskId: 'T' }), undefined, T0)).to.equal(false);
      expect(isPollDue(record({ state: 'Running' }), undefined, T0)).to.equal(false);
    });
  });

  describe('error policy', () => {
    const info = (kind: CloudErrorInfo['kind'], extra: Partial<CloudErrorInfo> = {}): CloudErrorInfo => ({ kind, code: 'C', message: 'm', ...extra });
    const table: [CloudErrorInfo['kind'], string][] = [
      ['throttled', 'throttled'],
      ['transient', 'exponential'],
      ['capacity', 'exponential'],
      ['clusterBusy', 'busy'],
      ['quota', 'stall'],
      ['invalidRequest', 'stall'],
      ['permission', 'stall'],
      ['auth', 'stall'],
      ['notFound', 'stall'],
    ];
    for (const [kind, policy] of table) {
      it(`${kind} → ${policy}`, () => {
        expect(delayPolicyFor(info(kind)).kind).to.equal(policy);
      });
    }
    it('throttled carries retry-after', () => {
      expect(delayPolicyFor(info('throttled', { retryAfterMs: 700 }))).to.deep.equal({ kind: 'throttled', retryAfterMs: 700 });
    });
    it('describes errors as code: message without repeating the code', () => {
      expect(describeCloudError(info('transient', { code: 'X', message: 'boom' }))).to.equal('X: boom');
      expect(describeCloudError(info('transient', { code: 'X', message: 'X happened' }))).to.equal('X happened');
      expect(describeCloudError(info('transient', { code: 'X', message: '' }))).to.equal('X');
    });
  });

  it('one table decides which kinds stall, and the stall reasons the status remembers derive from it', () => {
    const kinds = Object.keys(ERROR_POLICY) as (keyof typeof ERROR_POLICY)[];
    expect(kinds.filter((kind) => stallReasonFor({ kind }) !== undefined)).to.have.members(['quota', 'invalidRequest', 'permission', 'auth', 'notFound']);
    expect([...CLOUD_STALL_REASONS]).to.have.members([Reason.QuotaExceeded, Reason.InvalidRequest, Reason.PermissionDenied, Reason.AuthenticationFailed, Reason.ClusterNotFound]);
  });

  it('settingsOf parses a spec object once and gives the same answer as readSettings', () => {
    const spec = baseSpec();
    expect(settingsOf(spec)).to.equal(settingsOf(spec));
    expect(settingsOf(spec)).to.deep.equal(readSettings(spec));
  });

  it('toBlocked turns stall kinds of read errors into a Blocked, others into nothing', () => {
    expect(toBlocked({ kind: 'auth', code: 'InvalidAccessKeyId.NotFound', message: 'Specified access key is not found' }, 'DescribeTaskInfo')).to.deep.equal({
      reason: Reason.AuthenticationFailed,
      message: 'DescribeTaskInfo refused: InvalidAccessKeyId.NotFound: Specified access key is not found',
    });
    expect(toBlocked({ kind: 'transient', code: 'X', message: 'y' }, 'DescribeTaskInfo')).to.equal(undefined);
  });

  describe('settings', () => {
    it('parses the CRD defaults', () => {
      expect(readSettings(baseSpec())).to.deep.equal({
        settings: { maxNodesPerScaleOut: 20, maxInFlightNodes: 40, taskTimeoutMs: 30 * MINUTE, joinGraceMs: 10 * MINUTE, maxUnjoinedNodes: 0, backoff: { initialMs: 10 * SECOND, maxMs: 10 * MINUTE } },
      });
    });
    it('a zero join grace period is allowed', () => {
      expect(readSettings({ ...baseSpec(), limits: { ...baseSpec().limits, joinGracePeriod: '0s' } }).problem).to.equal(undefined);
    });
    it('backoff.max below initial is raised to initial', () => {
      expect(readSettings({ ...baseSpec(), backoff: { initial: '1m', max: '10s' } }).settings.backoff).to.deep.equal({ initialMs: MINUTE, maxMs: MINUTE });
    });
    it('a malformed field falls back to its default and is reported', () => {
      const result = readSettings({ ...baseSpec(), backoff: { initial: 'soon', max: '10m' } });
      expect(result.settings.backoff.initialMs).to.equal(10 * SECOND);
      expect(result.problem).to.contain('spec.backoff.initial');
    });
  });
});
