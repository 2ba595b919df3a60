import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetrics } from '../../../src/observability/metrics.js';
import { chartDir } from './paths.js';

// The dashboard and the alerts are PromQL text: a renamed metric would silently show nothing and
// never fire. These tests tie them to the metric names the operator registers.
// Process metrics included: the dashboard shows some of prom-client's process_* / nodejs_* series.
const registered = createMetrics().registry.getMetricsAsArray().map((m) => ({ name: m.name, type: String(m.type) }));
const ours = createMetrics({ defaultMetrics: false }).registry.getMetricsAsArray().map((m) => m.name);
const dashboardText = readFileSync(join(chartDir, 'dashboards', 'sandbox-capacity-operator.json'), 'utf8');
const rulesTemplate = readFileSync(join(chartDir, 'templates', 'prometheusrule.yaml'), 'utf8');

/** Our own series and the client-go / controller-runtime / process families the operator exports. */
function seriesNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\b(sandbox_capacity|workqueue|controller_runtime|leader_election|process|nodejs)_[a-z0-9_]+/g)].map((m) => m[0]))];
}

/** A histogram is queried through its _bucket/_count/_sum series. */
function familyOf(series: string): string | undefined {
  const direct = registered.find((m) => m.name === series);
  if (direct) return direct.name;
  const histogram = registered.find((m) => m.type === 'histogram' && ['_bucket', '_count', '_sum'].some((s) => series === m.name + s));
  return histogram?.name;
}

interface Panel { title: string; targets?: { expr: string }[] }

describe('Grafana dashboard and alerts', () => {
  it('query only metrics the operator registers', () => {
    const unknown = [...seriesNames(dashboardText), ...seriesNames(rulesTemplate)].filter((s) => familyOf(s) === undefined);
    expect(unknown).to.deep.equal([]);
  });

  it('show every metric the operator registers on the dashboard', () => {
    const shown = new Set(seriesNames(dashboardText).map(familyOf));
    expect(ours.filter((name) => !shown.has(name))).to.deep.equal([]);
  });

  it('is a dashboard whose every panel has a query', () => {
    const dashboard = JSON.parse(dashboardText) as { uid: string; panels: Panel[] };
    expect(dashboard.uid).to.equal('sandbox-capacity-operator');
    const empty = dashboard.panels.filter((p) => !p.targets?.length || p.targets.some((t) => t.expr.trim() === ''));
    expect(empty.map((p) => p.title)).to.deep.equal([]);
  });
});
