import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@sluice/telemetry';
import { Counter, type Registry } from 'prom-client';

/** Rows through ingest steps: read from sources (in), loaded into staging tables (out), refused (rejected). */
@Injectable()
export class IngestMetrics {
  readonly rows: Counter<'kind' | 'direction'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.rows = new Counter({
      name: 'sluice_pipeline_rows_total',
      help: 'Rows through pipeline steps by kind and direction (ingest: in = read, out = loaded, rejected = refused with a reason)',
      labelNames: ['kind', 'direction'],
      registers: [registry],
    });
  }

  recordLoad(counts: { rowsIn: number; rowsOut: number; rejected: number }): void {
    this.rows.inc({ kind: 'ingest', direction: 'in' }, counts.rowsIn);
    this.rows.inc({ kind: 'ingest', direction: 'out' }, counts.rowsOut);
    this.rows.inc({ kind: 'ingest', direction: 'rejected' }, counts.rejected);
  }
}
