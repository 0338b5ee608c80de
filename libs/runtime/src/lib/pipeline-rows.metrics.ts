import { Inject, Injectable } from '@nestjs/common';
import type { PipelineStepKind } from '@sluice/contracts';
import { METRICS_REGISTRY } from '@sluice/telemetry';
import { Counter, type Registry } from 'prom-client';

const NAME = 'sluice_pipeline_rows_total';

export type PipelineRowsDirection = 'in' | 'out' | 'rejected';

/** `sluice_pipeline_rows_total{kind, direction}`, the one definition every pipeline worker counts rows with. */
@Injectable()
export class PipelineRowsMetrics {
  private readonly rows: Counter<'kind' | 'direction'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.rows =
      (registry.getSingleMetric(NAME) as Counter<'kind' | 'direction'> | undefined) ??
      new Counter({
        name: NAME,
        help: 'Rows through pipeline steps by kind and direction (in = read, out = written, rejected = refused with a reason)',
        labelNames: ['kind', 'direction'],
        registers: [registry],
      });
  }

  record(kind: PipelineStepKind, counts: Partial<Record<PipelineRowsDirection, number>>): void {
    for (const [direction, rows] of Object.entries(counts)) this.rows.inc({ kind, direction }, rows);
  }
}
