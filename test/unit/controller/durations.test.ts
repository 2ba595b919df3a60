import { expect } from 'chai';
import { formatDuration, parseDuration, tryParseDuration } from '../../../src/controller/core/time.js';

describe('controller/core durations', () => {
  const valid: [string, number][] = [
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['.5s', 500],
    ['2m0s', 120_000],
    ['0', 0],
    ['0s', 0],
    ['1500us', 1.5],
    ['1µs', 0.001],
    ['-1s', -1_000],
    ['+2s', 2_000],
    ['1h2m3s4ms', 3_723_004],
  ];
  for (const [text, ms] of valid) {
    it(`parses "${text}" as ${ms} ms`, () => {
      expect(parseDuration(text)).to.be.closeTo(ms, 1e-9);
    });
  }

  for (const text of ['', '10', 'ten seconds', '1d', '1m30', 's', '1 s', '--1s', '1.2.3s']) {
    it(`refuses "${text}" naming the input`, () => {
      expect(() => parseDuration(text)).to.throw(/invalid duration/);
      expect(tryParseDuration(text)).to.equal(undefined);
    });
  }

  it('tryParseDuration passes undefined through', () => {
    expect(tryParseDuration(undefined)).to.equal(undefined);
    expect(tryParseDuration('30m')).to.equal(1_800_000);
  });

  const formatted: [number, string][] = [
    [500, '500ms'],
    [40_000, '40s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [7_500_000, '2h5m'],
    [0, '0ms'],
    [12_499, '12s'],
  ];
  for (const [ms, text] of formatted) {
    it(`formats ${ms} ms as ${text}`, () => {
      expect(formatDuration(ms)).to.equal(text);
    });
  }
});
