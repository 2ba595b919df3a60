import { expect } from 'chai';
import {
  INSTANCE_ID_PATTERN,
  NODEPOOL_ID_PATTERN,
  REQUEST_ID_PATTERN,
  TASK_ID_PATTERN,
  newInstanceId,
  newNodepoolId,
  newPrivateIp,
  newRequestId,
  newTaskId,
} from '../../../src/simulator/ids.js';
import { redactSecrets } from '../../../src/simulator/redact.js';
import { formatAckTime, formatAcsDate, parseAcsDate, parseDurationMs } from '../../../src/simulator/time-format.js';

describe('simulator ids and time formats', () => {
  it('makes ids in ACK formats, distinct each time', () => {
    const tasks = new Set(Array.from({ length: 50 }, newTaskId));
    expect(tasks.size).to.equal(50);
    for (const id of tasks) {
      expect(id).to.match(TASK_ID_PATTERN);
    }
    expect(newRequestId()).to.match(REQUEST_ID_PATTERN);
    expect(newInstanceId()).to.match(INSTANCE_ID_PATTERN);
    expect(newNodepoolId()).to.match(NODEPOOL_ID_PATTERN);
  });

  it('hands out private IPs that are not already used', () => {
    const used = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const ip = newPrivateIp(used);
      expect(ip).to.match(/^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
      expect(used.has(ip)).to.equal(false);
      used.add(ip);
    }
  });

  it('formats times like ACK: +08:00, whole seconds', () => {
    expect(formatAckTime(Date.parse('2020-11-10T08:02:04.987Z'))).to.equal('2020-11-10T16:02:04+08:00');
    expect(formatAckTime(Date.parse('2020-12-31T20:00:00Z'))).to.equal('2021-01-01T04:00:00+08:00');
  });

  it('parses only the SDK x-acs-date format', () => {
    expect(parseAcsDate('2024-01-01T00:00:00Z')).to.equal(Date.parse('2024-01-01T00:00:00Z'));
    expect(parseAcsDate('2024-01-01T00:00:00.000Z')).to.equal(undefined);
    expect(parseAcsDate('2024-01-01 00:00:00')).to.equal(undefined);
    expect(formatAcsDate(Date.parse('2024-01-01T00:00:00.500Z'))).to.equal('2024-01-01T00:00:00Z');
  });

  it('parses durations', () => {
    expect(parseDurationMs('1500')).to.equal(1500);
    expect(parseDurationMs('250ms')).to.equal(250);
    expect(parseDurationMs('2s')).to.equal(2000);
    expect(parseDurationMs('1.5m')).to.equal(90_000);
    expect(parseDurationMs('1h')).to.equal(3_600_000);
    expect(parseDurationMs('soon')).to.equal(undefined);
  });

  it('redacts passwords and secrets at any depth', () => {
    expect(redactSecrets({ login_password: 'Hello@1234', nested: [{ accessKeySecret: 's', keep: 1 }], tags: [] })).to.deep.equal({
      login_password: '******',
      nested: [{ accessKeySecret: '******', keep: 1 }],
      tags: [],
    });
  });
});
