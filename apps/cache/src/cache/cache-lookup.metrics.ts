import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@sluice/telemetry';
import { Counter, type Registry } from 'prom-client';

const NAME = 'sluice_cache_lookups_total';

/** Hits and misses of the service's get/mget, for the hit ratio on the dashboard (stats per tenant stay in Redis). */
@Injectable()
export class CacheLookupMetrics {
  private readonly lookups: Counter<'result'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.lookups =
      (registry.getSingleMetric(NAME) as Counter<'result'> | undefined) ??
      new Counter({ name: NAME, help: 'Cache lookups by result (hit or miss)', labelNames: ['result'], registers: [registry] });
  }

  record(values: readonly unknown[]): void {
    const hits = values.filter((value) => value !== undefined).length;
    if (hits > 0) this.lookups.inc({ result: 'hit' }, hits);
    if (values.length > hits) this.lookups.inc({ result: 'miss' }, values.length - hits);
  }
}
