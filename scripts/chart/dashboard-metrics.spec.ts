import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { metricNamesDeclaredIn, metricOf, metricsIn, sourceFiles, type Dashboard } from './dashboard-metrics';

// The Grafana dashboard cannot drift from the code: every series a panel queries is exported by
// some app or lib (or is one of prom-client's process metrics, which every service registers).
const ROOT = resolve(__dirname, '../..');
const dashboard = JSON.parse(readFileSync(join(ROOT, 'helm/sluice/dashboards/sluice.json'), 'utf8')) as Dashboard;
const targets = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
const templateQueries = (dashboard.templating?.list ?? []).map((v) => (typeof v.query === 'string' ? v.query : (v.query?.query ?? ''))).filter(Boolean);

function processMetricNames(): Set<string> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return new Set(registry.getMetricsAsArray().map((m) => m.name));
}

describe('Grafana dashboard metrics', () => {
  it('reads metric names out of PromQL, histogram series included', () => {
    expect(metricsIn('histogram_quantile(0.95, sum by (job, le) (rate(http_server_request_duration_seconds_bucket{job=~"$job"}[5m])))')).toEqual([
      'http_server_request_duration_seconds_bucket',
    ]);
    expect(metricsIn('sum(rate(a_total{x="1"}[1m])) / sum(rate(b_total{x="1"}[1m]))')).toEqual(['a_total', 'b_total']);
    expect(metricsIn('label_values(process_cpu_seconds_total, namespace)')).toEqual(['process_cpu_seconds_total']);
    expect(metricOf('grpc_server_handling_seconds_count')).toBe('grpc_server_handling_seconds');
  });

  it('queries at least one metric in every panel target', () => {
    expect(targets.length).toBeGreaterThan(20);
    expect(targets.filter((t) => metricsIn(t.expr).length === 0)).toEqual([]);
  });

  it('queries only metrics that the code exports', () => {
    const exported = new Set([...metricNamesDeclaredIn(sourceFiles(ROOT)), ...processMetricNames()]);
    const queried = [...targets.map((t) => ({ where: `panel "${t.panel}"`, expr: t.expr })), ...templateQueries.map((q) => ({ where: 'a template variable', expr: q }))];
    const unknown = queried.flatMap(({ where, expr }) => metricsIn(expr).filter((name) => !exported.has(metricOf(name)) && !exported.has(name)).map((name) => `${where}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it('finds the names the libraries give their metrics (so the check above is not vacuous)', () => {
    const exported = metricNamesDeclaredIn(sourceFiles(ROOT));
    for (const name of ['http_server_requests_total', 'grpc_server_handled_total', 'jetstream_consumer_pending', 'sluice_lock_held', 'sluice_messaging_handled_total']) {
      expect(exported).toContain(name);
    }
    expect(exported).not.toContain('sluice_http_request_duration_seconds');
  });

  it('shows RED per route and per RPC, consumer lag and redeliveries, pages/s and rows/s, locks, rate limits, breakers and cache', () => {
    const all = targets.map((t) => t.expr).join('\n');
    for (const metric of [
      'http_server_requests_total',
      'http_server_request_duration_seconds_bucket',
      'grpc_server_handled_total',
      'grpc_server_handling_seconds_bucket',
      'grpc_client_handled_total',
      'jetstream_consumer_pending',
      'jetstream_consumer_ack_pending',
      'jetstream_consumer_redelivered',
      'sluice_messaging_redeliveries_total',
      'sluice_scraper_pages_total',
      'sluice_pipeline_rows_total',
      'sluice_lock_',
      'sluice_ratelimit_',
      'sluice_circuit_breaker_',
      'sluice.cache.v1.CacheService',
    ]) {
      expect(all).toContain(metric);
    }
    expect(all).toMatch(/by \([^)]*route[^)]*\)/);
    expect(all).toMatch(/by \([^)]*method[^)]*\)/);
  });
});
