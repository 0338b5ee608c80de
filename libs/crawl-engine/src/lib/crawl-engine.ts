import type { ScrapeJobRequest } from '@sluice/contracts';
import { ENGINE_DEFAULTS, type CrawlEngineDeps, type CrawlEngineOptions } from './crawl-engine-options';
import { InvalidCrawlSpecError } from './crawl-errors';
import { planCrawl, type CrawlPlan } from './crawl-plan';
import { seedSitemaps, seedStartUrls } from './crawl-seeder';
import { EntryProcessor } from './entry-processor';
import { FrontierWriter } from './frontier-writer';
import type { ClaimedEntry, FrontierCounts } from './frontier.repository';
import { idleWait } from './idle-wait';
import { ProgressGate } from './progress-gate';

/** One delivery of a scrape job to this process. */
export interface CrawlRun {
  readonly taskId: string;
  readonly tenantId: string;
  readonly job: ScrapeJobRequest;
  /** aborts when the process stops: the crawl stops, its state stays in the frontier */
  readonly signal: AbortSignal;
  /** the job was delivered before: the previous holder stopped answering, its claims are taken over */
  readonly resumed: boolean;
  /** the crawl really starts (not for a cancelled or already finished one) */
  readonly onStarted?: () => Promise<void>;
  /** at most once per progress interval, also a sign of life */
  readonly onProgress?: (counts: FrontierCounts) => Promise<void>;
}

export type CrawlOutcome =
  | { readonly status: 'SUCCEEDED'; readonly counts: FrontierCounts }
  | { readonly status: 'FAILED'; readonly error: string; readonly counts?: FrontierCounts }
  | { readonly status: 'CANCELLED' };

/** Why a crawl stopped early inside the engine (not a failure: the cancel flag was set). */
class CrawlCancelled extends Error {}

/**
 * Runs crawls from their PostgreSQL frontier: seed, then claim due entries and process them with
 * bounded concurrency until nothing is queued or fetching. Stops at the next safe point when the
 * crawl's cancel flag is set (checked every poll) or the run's signal aborts (then it throws and
 * leaves the frontier to whoever gets the job next). A finished crawl keeps its outcome: running
 * it again reports the same one.
 */
export class CrawlEngine {
  constructor(
    private readonly deps: CrawlEngineDeps,
    private readonly options: CrawlEngineOptions,
  ) {}

  async run(run: CrawlRun): Promise<CrawlOutcome> {
    const { crawls, frontier } = this.deps;
    const state = await crawls.begin(run.taskId, run.tenantId, run.job);
    if (state.status === 'SUCCEEDED') return { status: 'SUCCEEDED', counts: await frontier.counts(run.taskId) };
    if (state.status === 'FAILED') return { status: 'FAILED', error: state.error ?? 'failed' };
    if (state.status === 'CANCELLED') return { status: 'CANCELLED' };
    if (state.cancelRequested) return this.cancel(run.taskId);

    let plan: CrawlPlan;
    try {
      plan = planCrawl(run.job, this.options.defaults);
    } catch (error) {
      if (!(error instanceof InvalidCrawlSpecError)) throw error;
      await crawls.finish(run.taskId, 'FAILED', { pagesDone: 0, pagesFailed: 0 }, error.message);
      return { status: 'FAILED', error: error.message };
    }

    await run.onStarted?.();
    if (run.resumed) await frontier.releaseAll(run.taskId);
    const writer = new FrontierWriter(frontier, this.deps.pages, run.taskId, plan.maxPages);
    await seedStartUrls(plan, writer);
    const processor = new EntryProcessor(this.deps, this.options, run, plan, writer);
    try {
      await this.loop(run, processor, (signal) => seedSitemaps(this.deps, this.options, plan, writer, signal));
    } catch (error) {
      if (error instanceof CrawlCancelled) return this.cancel(run.taskId);
      throw error;
    }
    return this.conclude(run.taskId);
  }

  /** Claims and processes entries until none is open and `seedMore` (run beside) has finished. */
  private async loop(run: CrawlRun, processor: EntryProcessor, seedMore: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const { frontier, crawls } = this.deps;
    const concurrency = this.options.concurrency;
    const pollMs = this.options.pollIntervalMs ?? ENGINE_DEFAULTS.pollIntervalMs;
    const leaseMs = this.options.leaseMs ?? ENGINE_DEFAULTS.leaseMs;
    // begin() has just read the cancel flag, and the start is reported by onStarted: both wait an interval
    const progress = ProgressGate.startingNow(this.options.progressIntervalMs ?? ENGINE_DEFAULTS.progressIntervalMs);
    const cancelCheck = ProgressGate.startingNow(pollMs);
    const stop = new AbortController();
    const signal = AbortSignal.any([run.signal, stop.signal]);
    const inFlight = new Set<Promise<void>>();
    // Entries claimed ahead, so one claim serves many fetches; handed back if the crawl stops.
    const ready: ClaimedEntry[] = [];
    let failure: unknown;
    /** An entry or the sitemaps failed for a reason that is not the crawl stopping: the crawl stops and fails with it. */
    const failWith = (error: unknown) => {
      if (signal.aborted) return;
      failure ??= error;
      stop.abort(error);
    };

    const start = (entry: ClaimedEntry) => {
      const task: Promise<void> = this.processOne(processor, run.taskId, entry, signal)
        .catch(failWith)
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    };
    // Sitemaps are read beside the crawl, begun once its first entries are on their way, so
    // their documents never take the host's first turns from the start URLs.
    let seeding: Promise<void> | undefined;
    let seedingBegun = false;
    const beginSeeding = () => {
      seedingBegun = true;
      seeding = seedMore(signal)
        .catch(failWith)
        .finally(() => (seeding = undefined));
    };

    try {
      for (;;) {
        if (signal.aborted) break;
        if (cancelCheck.pass() && (await crawls.isCancelRequested(run.taskId))) {
          stop.abort(new CrawlCancelled());
          break;
        }
        if (progress.pass()) await this.report(run);
        if (inFlight.size + ready.length <= concurrency) ready.push(...(await frontier.claim(run.taskId, 2 * concurrency - inFlight.size - ready.length, leaseMs)));
        while (inFlight.size < concurrency && ready.length > 0) start(ready.shift()!);
        if (!seedingBegun) beginSeeding();
        if (inFlight.size > 0) {
          await idleWait(pollMs, signal, inFlight);
          continue;
        }
        if (seeding) {
          await idleWait(pollMs, signal, [seeding]);
          continue;
        }
        if (await frontier.isFinished(run.taskId)) break;
        const due = await frontier.nextDueAt(run.taskId);
        await idleWait(Math.min(Math.max(10, (due?.getTime() ?? 0) - Date.now()), pollMs), signal);
      }
    } finally {
      await Promise.allSettled([...inFlight, seeding]);
      await frontier.release(run.taskId, ready.map((entry) => entry.fingerprint)).catch(() => 0);
    }
    if (failure) throw failure;
    if (stop.signal.reason instanceof CrawlCancelled) throw stop.signal.reason;
    run.signal.throwIfAborted();
  }

  /** Processes one entry; if the crawl is stopping, the entry goes back to the frontier untouched. */
  private async processOne(processor: EntryProcessor, taskId: string, entry: ClaimedEntry, signal: AbortSignal): Promise<void> {
    try {
      await processor.process(entry, signal);
    } catch (error) {
      if (!signal.aborted) throw error;
      await this.deps.frontier.release(taskId, [entry.fingerprint]).catch(() => 0);
    }
  }

  private async report(run: CrawlRun): Promise<void> {
    const counts = await this.deps.frontier.counts(run.taskId);
    await this.deps.crawls.recordCounts(run.taskId, counts.done, counts.failed);
    await run.onProgress?.(counts);
  }

  private async cancel(taskId: string): Promise<CrawlOutcome> {
    const counts = await this.deps.frontier.counts(taskId);
    await this.deps.crawls.finish(taskId, 'CANCELLED', { pagesDone: counts.done, pagesFailed: counts.failed });
    return { status: 'CANCELLED' };
  }

  /** The crawl ran out of work: it succeeded if any page was fetched, else it failed saying why. */
  private async conclude(taskId: string): Promise<CrawlOutcome> {
    await this.deps.pages.markDuplicates(taskId);
    const counts = await this.deps.frontier.counts(taskId);
    const tally = { pagesDone: counts.done, pagesFailed: counts.failed };
    if (counts.done > 0) {
      await this.deps.crawls.finish(taskId, 'SUCCEEDED', tally);
      return { status: 'SUCCEEDED', counts };
    }
    const error = `no page could be fetched: ${(await this.deps.frontier.firstStartFailure(taskId)) ?? 'nothing was in scope'}`;
    await this.deps.crawls.finish(taskId, 'FAILED', tally, error);
    return { status: 'FAILED', error, counts };
  }
}
