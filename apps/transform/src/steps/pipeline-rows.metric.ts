import { Counter, type Registry } from 'prom-client';

const NAME = 'sluice_pipeline_rows_total';

/** `sluice_pipeline_rows_total{kind, direction}`: rows pipeline steps read and wrote (shared name across workers). */
export function pipelineRowsCounter(registry: Registry): Counter<'kind' | 'direction'> {
  const existing = registry.getSingleMetric(NAME);
  if (existing) return existing as Counter<'kind' | 'direction'>;
  return new Counter({ name: NAME, help: 'Rows read (in) and written (out) by pipeline steps', labelNames: ['kind', 'direction'], registers: [registry] });
}

export const PIPELINE_ROWS = Symbol('PIPELINE_ROWS');
