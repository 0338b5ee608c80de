import { contentHash, createScopeFilter, decodeBody, extractPage, hostKey, HostWaitTimeoutError, parseRetryAfter, urlFingerprint } from '@sluice/crawl';
import { AddressPolicy, forbiddenTarget, type FetchedResponse } from '@sluice/safe-fetch';
import { ENGINE_DEFAULTS, type CrawlEngineDeps, type CrawlEngineOptions } from './crawl-engine-options';
import type { PageOutcome } from './crawl-metrics';
import type { CrawlPlan } from './crawl-plan';
import { isHtml, judgeError, judgeResponse, pageError, retryDelayMs, type FetchVerdict } from './fetch-verdict';
import type { FrontierWriter } from './frontier-writer';
import type { ClaimedEntry, FrontierCandidate } from './frontier.repository';

const HOST_BUSY_RETRY_MS = 1_000;

interface Attempt {
  readonly verdict: FetchVerdict;
  readonly response?: FetchedResponse;
  readonly durationMs: number;
}

/**
 * Takes one claimed frontier entry to its next state: robots.txt, the host's politeness gate,
 * the guarded fetch through the host's breaker, then store the page and queue its links, or
 * requeue it (backoff, retry), or settle it as failed or skipped.
 */
export class EntryProcessor {
  private readonly policy: AddressPolicy;
  private readonly inScope: ReturnType<typeof createScopeFilter>;
  private readonly maxAttempts: number;

  constructor(
    private readonly deps: CrawlEngineDeps,
    private readonly options: CrawlEngineOptions,
    private readonly task: { readonly taskId: string; readonly tenantId: string },
    private readonly plan: CrawlPlan,
    private readonly writer: FrontierWriter,
  ) {
    this.policy = new AddressPolicy(options.allowlist);
    this.inScope = createScopeFilter(plan.scope);
    this.maxAttempts = options.maxAttempts ?? ENGINE_DEFAULTS.maxAttempts;
  }

  async process(entry: ClaimedEntry, signal: AbortSignal): Promise<void> {
    const refused = forbiddenTarget(entry.url, this.policy);
    if (refused) return this.fail(entry, `refused: ${refused}`);

    let crawlDelayMs: number | undefined;
    if (this.plan.respectRobotsTxt) {
      const rules = await this.deps.robots.rulesFor(entry.url, signal);
      if (!rules.isAllowed(entry.url)) return this.skip(entry, 'disallowed by robots.txt');
      crawlDelayMs = rules.crawlDelayMs;
    }

    let attempt: Attempt;
    try {
      attempt = await this.fetch(entry, crawlDelayMs, signal);
    } catch (error) {
      if (!(error instanceof HostWaitTimeoutError) || signal.aborted) throw error;
      await this.deps.frontier.release(this.task.taskId, [entry.fingerprint], new Date(Date.now() + HOST_BUSY_RETRY_MS));
      return;
    }
    await this.settle(entry, attempt);
  }

  /** Waits for the host's turn, fetches, and judges the outcome; the host's slot is freed before returning. */
  private async fetch(entry: ClaimedEntry, crawlDelayMs: number | undefined, signal: AbortSignal): Promise<Attempt> {
    const { requestsPerSecond, concurrency } = this.plan.politeness;
    const release = await this.deps.politeness.acquire(entry.host, { requestsPerSecond, concurrency, crawlDelayMs }, signal);
    const started = performance.now();
    try {
      const response = await this.deps.breakers.fire(entry.host, () =>
        this.deps.fetcher.fetch(entry.url, { signal, headers: { 'user-agent': this.options.userAgent } }),
      );
      return { verdict: judgeResponse(response.status, response.headers), response, durationMs: performance.now() - started };
    } catch (error) {
      if (signal.aborted) throw error;
      return { verdict: judgeError(error), durationMs: performance.now() - started };
    } finally {
      this.deps.metrics?.fetchDuration.observe((performance.now() - started) / 1000);
      await release();
    }
  }

  private async settle(entry: ClaimedEntry, { verdict, response, durationMs }: Attempt): Promise<void> {
    const lastAttempt = entry.attempts >= this.maxAttempts;
    switch (verdict.action) {
      case 'page':
        return this.storePage(entry, response!, durationMs);
      case 'fail':
        return this.fail(entry, verdict.reason, response, durationMs);
      case 'backoff': {
        const delayMs = await this.deps.politeness.penalize(entry.host, parseRetryAfter(verdict.retryAfter));
        if (lastAttempt) return this.fail(entry, `${verdict.reason} after ${entry.attempts} attempts`, response, durationMs);
        await this.deps.frontier.retry(this.task.taskId, entry.fingerprint, new Date(Date.now() + delayMs), verdict.reason);
        return;
      }
      case 'retry':
        if (lastAttempt) return this.fail(entry, `${verdict.reason} after ${entry.attempts} attempts`, response, durationMs);
        await this.deps.frontier.retry(this.task.taskId, entry.fingerprint, new Date(Date.now() + retryDelayMs(entry.attempts)), verdict.reason);
        return;
    }
  }

  private async storePage(entry: ClaimedEntry, response: FetchedResponse, durationMs: number): Promise<void> {
    const contentType = response.headers['content-type'];
    const error = pageError(response.status);
    const html = !error && isHtml(contentType);
    const text = html ? decodeBody(response.body, contentType).text : undefined;
    const extracted = text !== undefined ? extractPage(text, response.finalUrl, { ...this.plan.extract }) : undefined;
    const page = {
      ...this.pageBase(entry, response, durationMs),
      title: extracted?.title,
      data: extracted?.data,
      error,
      contentHash: text !== undefined ? contentHash(text) : undefined,
    };
    if (error) {
      await this.writer.write({ settlement: { fingerprint: entry.fingerprint, state: 'FAILED', reason: error }, page });
      return this.count('failed');
    }
    const links = extracted ? this.inScopeLinks(extracted.links, entry.depth + 1) : [];
    const { duplicateOf } = await this.writer.write({ settlement: { fingerprint: entry.fingerprint, state: 'DONE' }, page, links });
    this.count(duplicateOf ? 'duplicate' : 'ok');
  }

  private inScopeLinks(links: readonly string[], depth: number): FrontierCandidate[] {
    return links
      .filter((url) => this.inScope(url, depth).inScope)
      .map((url) => ({ url, fingerprint: urlFingerprint(url), host: hostKey(url), depth, source: 'link' as const }));
  }

  private async fail(entry: ClaimedEntry, reason: string, response?: FetchedResponse, durationMs?: number): Promise<void> {
    const page = { ...this.pageBase(entry, response, durationMs), error: reason };
    await this.writer.write({ settlement: { fingerprint: entry.fingerprint, state: 'FAILED', reason }, page });
    this.count('failed');
  }

  private async skip(entry: ClaimedEntry, reason: string): Promise<void> {
    await this.writer.write({ settlement: { fingerprint: entry.fingerprint, state: 'SKIPPED', reason } });
    this.count('skipped');
  }

  private pageBase(entry: ClaimedEntry, response: FetchedResponse | undefined, durationMs: number | undefined) {
    return {
      taskId: this.task.taskId,
      tenantId: this.task.tenantId,
      url: entry.url,
      depth: entry.depth,
      finalUrl: response?.finalUrl,
      status: response?.status,
      contentType: response?.headers['content-type'],
      bytes: response?.body.length,
      durationMs: durationMs === undefined ? undefined : Math.round(durationMs),
    };
  }

  private count(outcome: PageOutcome): void {
    this.deps.metrics?.pages.inc({ outcome });
  }
}
