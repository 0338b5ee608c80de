import { Registry } from 'prom-client';
import { PipelineRowsMetrics } from './pipeline-rows.metrics';

describe('PipelineRowsMetrics', () => {
  const value = async (registry: Registry, kind: string, direction: string) =>
    (await registry.getSingleMetric('sluice_pipeline_rows_total')!.get()).values.find((v) => v.labels.kind === kind && v.labels.direction === direction)?.value;

  it('counts rows by kind and direction, only the directions given', async () => {
    const registry = new Registry();
    const rows = new PipelineRowsMetrics(registry);
    rows.record('ingest', { in: 3, out: 2, rejected: 1 });
    rows.record('ingest', { in: 4, out: 4 });
    rows.record('transform', { out: 7 });
    expect(await value(registry, 'ingest', 'in')).toBe(7);
    expect(await value(registry, 'ingest', 'out')).toBe(6);
    expect(await value(registry, 'ingest', 'rejected')).toBe(1);
    expect(await value(registry, 'transform', 'out')).toBe(7);
    expect(await value(registry, 'transform', 'in')).toBeUndefined();
  });

  it('shares one counter between instances on the same registry', async () => {
    const registry = new Registry();
    new PipelineRowsMetrics(registry).record('transform', { in: 1 });
    new PipelineRowsMetrics(registry).record('transform', { in: 2 });
    expect(await value(registry, 'transform', 'in')).toBe(3);
  });
});
