// Which Prometheus series the Grafana dashboard queries, and which series the code exports, so a
// test can prove that no panel queries a metric nobody exports (a renamed or imagined series).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Dashboard {
  panels: { title: string; type: string; targets?: { expr: string }[] }[];
  templating?: { list: { query?: string | { query?: string } }[] };
}

const HISTOGRAM_SERIES = /_(bucket|count|sum)$/;

/** Metric names in a PromQL expression: every selector in the dashboard carries label matchers (`name{...}`). */
export function metricsIn(expr: string): string[] {
  const names = [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]);
  const labelValues = [...expr.matchAll(/label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/g)].map((m) => m[1]);
  return [...new Set([...names, ...labelValues])];
}

/** The metric a series belongs to: `x_bucket`, `x_count`, `x_sum` of a histogram are `x`. */
export function metricOf(series: string): string {
  return series.replace(HISTOGRAM_SERIES, '');
}

/** The production TypeScript files of the apps and libs (no tests, no build output, no generated code). */
export function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      if (['node_modules', 'dist', 'generated'].includes(entry)) continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ts$/.test(entry) && !/\.(spec|int-spec)\.ts$/.test(entry) && entry !== 'testing.ts') files.push(path);
    }
  };
  for (const top of ['apps', 'libs']) {
    for (const project of readdirSync(join(root, top))) {
      const src = join(root, top, project, 'src');
      if (statSync(join(root, top, project)).isDirectory() && safeIsDir(src)) walk(src);
    }
  }
  return files;
}

function safeIsDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Metric-like string literals in the source (`'sluice_lock_held'`): the names given to prom-client's
 * Counter/Gauge/Histogram, whether inline (`name: '...'`) or through a constant.
 */
export function metricNamesDeclaredIn(files: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`]([a-z][a-z0-9]*(?:_[a-z0-9]+)+)['"`]/g)) names.add(m[1]);
  }
  return names;
}
