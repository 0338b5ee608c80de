import { scraperV1, timestampToIso } from '@sluice/contracts';

/** One fetched page (API.md, Crawls and tasks); what was not known is null. */
export interface PageView {
  url: string;
  finalUrl: string | null;
  status: number | null;
  fetchedAt: string | null;
  contentType: string | null;
  bytes: number;
  title: string | null;
  data: Record<string, unknown>;
  error?: string;
}

export function toPageView(page: scraperV1.Page): PageView {
  return {
    url: page.url,
    finalUrl: page.finalUrl || null,
    // 0: no HTTP response (refused, unreachable, timed out)
    status: page.status || null,
    fetchedAt: timestampToIso(page.fetchedAt) ?? null,
    contentType: page.contentType || null,
    bytes: page.bytes,
    title: page.title || null,
    data: page.data ?? {},
    ...(page.error ? { error: page.error } : {}),
  };
}
