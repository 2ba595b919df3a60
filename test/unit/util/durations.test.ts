import { expect } from 'chai';
import { parseGoDuration } from '../../../src/util/durations.js';

describe('parseGoDuration (flags)', () => {
  it('reads Go durations into milliseconds', () => {
    expect(parseGoDuration('5m')).to.equal(300_000);
    expect(parseGoDuration('1m30s')).to.equal(90_000);
    expect(parseGoDuration('1.5h')).to.equal(5_400_000);
    expect(parseGoDuration('750ms')).to.equal(750);
    expect(parseGoDuration('2h45m10s')).to.equal(9_910_000);
    expect(parseGoDuration('1500us')).to.equal(1.5);
    expect(parseGoDuration(' 10s ')).to.equal(10_000);
    expect(parseGoDuration('0')).to.equal(0);
    expect(parseGoDuration('-2s')).to.equal(-2000);
  });

  it('returns undefined for what is not a Go duration, bare numbers included', () => {
    for (const text of ['', '10', '5 m', '5min', 'm', '1d', '1h-5m', 'ten seconds', '1.2.3s']) {
      expect(parseGoDuration(text), text).to.equal(undefined);
    }
  });
});
