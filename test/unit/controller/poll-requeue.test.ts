import { expect } from 'chai';
import { POLL_RUNNING_MS, POLL_TIMED_OUT_MS, nextPollInMs } from '../../../src/controller/core/schedule.js';
import { SECOND, T0, record } from './helpers.js';

describe('controller/core nextPollInMs (requeue at the next poll of a task polled before)', () => {
  const running = record({ state: 'Running', taskId: 'T-run' });
  const timedOut = record({ state: 'TimedOut', taskId: 'T-slow' });

  it('is the time left until a polled running task is due again', () => {
    // An earlier requeue (from the scale-out itself) firing 100 ms before this is due would otherwise
    // find nothing due and push the poll back a whole interval.
    expect(nextPollInMs([running], new Map([['T-run', T0]]), T0 + POLL_RUNNING_MS - 100)).to.equal(100);
    expect(nextPollInMs([running], new Map([['T-run', T0]]), T0 + 2 * SECOND)).to.equal(POLL_RUNNING_MS - 2 * SECOND);
  });

  it('takes the earliest of several tasks, each at its own interval', () => {
    const polled = new Map([['T-run', T0], ['T-slow', T0]]);
    expect(nextPollInMs([timedOut, running], polled, T0 + SECOND)).to.equal(POLL_RUNNING_MS - SECOND);
    expect(nextPollInMs([timedOut], polled, T0 + SECOND)).to.equal(POLL_TIMED_OUT_MS - SECOND);
  });

  it('gives nothing for a task due now or never polled: no tight loop after a failed poll', () => {
    expect(nextPollInMs([running], new Map([['T-run', T0]]), T0 + POLL_RUNNING_MS)).to.equal(undefined);
    expect(nextPollInMs([running], new Map(), T0)).to.equal(undefined);
  });

  it('gives nothing for records that are not polled', () => {
    const polled = new Map([['T', T0]]);
    for (const state of ['Requesting', 'Succeeded', 'Failed', 'Abandoned'] as const) {
      expect(nextPollInMs([record({ state, taskId: 'T' })], polled, T0 + SECOND)).to.equal(undefined);
    }
  });
});
