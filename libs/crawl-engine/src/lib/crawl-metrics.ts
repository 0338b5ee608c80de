import { Counter, Histogram, type Registry } from 'prom-client';

export type PageOutcome = 'ok' | 'failed' | 'skipped' | 'duplicate';

/** The scraper's page outcomes and fetch times, registered once per registry. */
export class CrawlMetrics {
  readonly pages: Counter<'outcome'>;
  readonly fetchDuration: Histogram;

  private static readonly byRegistry = new WeakMap<Registry, CrawlMetrics>();

  static for(registry: Registry): CrawlMetrics {
    let metrics = CrawlMetrics.byRegistry.get(registry);
    if (!metrics) {
      metrics = new CrawlMetrics(registry);
      CrawlMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry) {
    this.pages = new Counter({
      name: 'sluice_scraper_pages_total',
      help: 'Frontier entries finished by the scraper: ok (page stored), duplicate (stored, same content as an earlier page), failed, skipped (robots.txt, refused target)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    for (const outcome of ['ok', 'failed', 'skipped', 'duplicate'] as const) this.pages.inc({ outcome }, 0);
    this.fetchDuration = new Histogram({
      name: 'sluice_scraper_fetch_duration_seconds',
      help: 'Time of one page fetch (connect to last body byte, redirects included), waiting for the host not counted',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }
}
