// The arithmetic behind every figure in docs/benchmarks.md.
import { expect } from 'chai';
import { metricSum, parsePrometheusText } from '../../../bench/support/prometheus-text.js';
import { formatSpread, percentile, spread } from '../../../bench/support/stats.js';

describe('bench statistics', () => {
  it('percentile is nearest-rank: p99 of 200 samples is the 198th smallest, p50 of an even count the lower middle', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i); // 200..1, unsorted input
    expect(percentile(values, 99)).to.equal(198);
    expect(percentile(values, 50)).to.equal(100);
    expect(percentile(values, 100)).to.equal(200);
    expect(percentile([7], 99)).to.equal(7);
    expect(percentile([], 50)).to.be.NaN;
  });

  it('spread and its text give min / median / max', () => {
    expect(spread([3, 1, 2])).to.deep.equal({ min: 1, median: 2, max: 3 });
    expect(formatSpread([12.34, 15.2, 14])).to.equal('12.3 / 14 / 15.2 (min / median / max of 3)');
    expect(formatSpread([12.34])).to.equal('12.3');
  });

  it('reads the Prometheus text format and sums a metric over matching labels', () => {
    const samples = parsePrometheusText([
      '# HELP sandbox_capacity_cloud_calls_total calls',
      '# TYPE sandbox_capacity_cloud_calls_total counter',
      'sandbox_capacity_cloud_calls_total{action="ScaleOutCluster",code="OK"} 3',
      'sandbox_capacity_cloud_calls_total{action="ScaleOutCluster",code="Throttling.User"} 2',
      'sandbox_capacity_cloud_calls_total{action="DescribeTaskInfo",code="OK"} 7',
      'workqueue_depth{name="sandboxcapacity",controller="sandboxcapacity"} 4',
    ].join('\n'));
    expect(metricSum(samples, 'sandbox_capacity_cloud_calls_total')).to.equal(12);
    expect(metricSum(samples, 'sandbox_capacity_cloud_calls_total', { action: 'ScaleOutCluster' })).to.equal(5);
    expect(metricSum(samples, 'workqueue_depth', { name: 'sandboxcapacity' })).to.equal(4);
    expect(metricSum(samples, 'absent')).to.equal(0);
  });
});
