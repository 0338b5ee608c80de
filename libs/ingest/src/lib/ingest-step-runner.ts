import type { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { IngestStep, zodIssueViolations } from '@sluice/pipeline-spec';
import type { SafeFetcher } from '@sluice/safe-fetch';
import { IngestInputError } from './ingest-errors';
import { loadIntoStaging, type LoadOptions, type LoadResult } from './load/staging-loader';
import type { RecordBatches } from './parsers/source-record';
import { sourceRecords } from './parsers/source-records';
import { openFileSource } from './sources/file-source';
import { finalOrRetryable, openHttpSource } from './sources/http-source';
import { scrapeRecords, type PageBatch } from './sources/scrape-records';

/** What an ingest step needs from its surroundings; the app builds it from configuration. */
export interface IngestContext {
  readonly pool: Pool;
  /** the operator's ingest file directory; undefined refuses file sources */
  readonly fileRoot: string | undefined;
  readonly fetcher: SafeFetcher;
  /** one batch of a crawl task's pages, read for the tenant */
  readonly listPages: (request: { tenantId: string; taskId: string; cursor: string }, signal?: AbortSignal) => Promise<PageBatch>;
  /** longest CSV record or NDJSON line */
  readonly maxRowBytes: number;
}

/** The parts of a step job the ingest step reads. */
export interface IngestJob {
  readonly runId: string;
  readonly stepId: string;
  readonly tenantId: string;
  readonly pipeline: string;
  /** the step definition, validated here */
  readonly step: unknown;
}

/**
 * Runs one ingest step: reads the source as a stream of rows, coerces each to the declared
 * columns, and loads them (and the rejects, with reasons) into the step's staging tables.
 * Throws IngestInputError for what retrying cannot fix; any other error is worth a retry.
 */
export async function runIngestStep(job: IngestJob, context: IngestContext, options: LoadOptions = {}): Promise<LoadResult> {
  const step = parseStep(job);
  let input: Readable | undefined;
  try {
    let records: RecordBatches;
    if (step.source.type === 'scrape') {
      const { taskId } = step.source;
      records = scrapeRecords(taskId, (cursor) => context.listPages({ tenantId: job.tenantId, taskId, cursor }, options.signal));
    } else {
      input =
        step.source.type === 'file'
          ? await openFileSource({ root: context.fileRoot, tenantId: job.tenantId, path: step.source.path })
          : await openHttpSource(context.fetcher, step.source.url, options.signal);
      records = sourceRecords(input, step.source.format, { columns: step.columns, maxRowBytes: context.maxRowBytes });
    }
    return await loadIntoStaging(context.pool, { ...job, columns: step.columns }, records, options);
  } catch (error) {
    throw step.source.type === 'http' ? finalOrRetryable(error, step.source.url) : error;
  } finally {
    input?.destroy();
  }
}

function parseStep(job: IngestJob): IngestStep {
  const parsed = IngestStep.safeParse(job.step);
  if (!parsed.success) {
    const problems = zodIssueViolations(parsed.error.issues).map((violation) => `${violation.path}: ${violation.message}`);
    throw new IngestInputError(`step ${job.stepId} is not a valid ingest step (${problems.slice(0, 5).join('; ')})`);
  }
  return parsed.data;
}
