import { Prisma, type PrismaClient } from '@sluice/database';

export type FrontierSource = 'start' | 'link' | 'sitemap';

/** A URL to add to a crawl's frontier. */
export interface FrontierCandidate {
  readonly url: string;
  /** urlFingerprint(url): unique per task */
  readonly fingerprint: string;
  /** hostKey(url) */
  readonly host: string;
  readonly depth: number;
  readonly source: FrontierSource;
  /** the URL of the page it was found on: then it is added only if that page is no duplicate */
  readonly foundOn?: string;
}

/** A claimed entry: this process fetches it until its lease runs out. */
export interface ClaimedEntry {
  readonly url: string;
  readonly fingerprint: string;
  readonly host: string;
  readonly depth: number;
  readonly source: FrontierSource;
  /** attempts including this one */
  readonly attempts: number;
}

/** The end state of a claimed entry. */
export interface Settlement {
  readonly fingerprint: string;
  readonly state: 'DONE' | 'FAILED' | 'SKIPPED';
  /** why it failed or was skipped */
  readonly reason?: string;
}

/** What `advance` writes in one statement. */
export interface FrontierStep {
  readonly taskId: string;
  readonly candidates?: readonly FrontierCandidate[];
  /** the most entries the frontier may hold (needed when there are candidates) */
  readonly cap?: number;
  readonly settlements?: readonly Settlement[];
  /** PageRepository.insertStatement(...) */
  readonly pages?: Prisma.Sql;
}

export interface AdvanceResult {
  readonly added: number;
  readonly settled: number;
  /** per stored page URL, the earlier page of the task with the same content, if any */
  readonly stored: ReadonlyMap<string, string | undefined>;
}

export interface FrontierCounts {
  /** QUEUED or FETCHING */
  readonly queued: number;
  readonly done: number;
  readonly failed: number;
  readonly skipped: number;
  readonly total: number;
}

/**
 * The per-task frontier in `scraper.frontier`, so a crawl survives its process: discovery is an
 * insert-if-absent keyed by (task, URL fingerprint); work is claimed with `FOR UPDATE SKIP LOCKED`
 * and a lease, and an entry whose lease ran out (its process died) is claimable again.
 * State changes of a claimed entry only apply while it is still FETCHING.
 */
export class FrontierRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * One step of a crawl in one statement: stores pages (`PageRepository.insertStatement`), adds
   * the candidates not yet in the task's frontier, in order, while it holds fewer than `cap`
   * entries, and settles claimed entries. A candidate found on a page (`foundOn`) is added only if
   * that page is not a duplicate of an earlier one. Being one statement, an entry is never settled
   * without its page and links. The crawl's row holds the frontier's size and is locked for the
   * statement, so concurrent writers never overshoot the cap. Returns what each part did.
   */
  async advance(step: FrontierStep): Promise<AdvanceResult> {
    const { taskId, candidates = [], cap = 0, settlements = [], pages } = step;
    if (candidates.length === 0 && settlements.length === 0 && !pages) return { added: 0, settled: 0, stored: new Map() };
    const rows = await this.prisma.$queryRaw<{ crawls: number; added: number; settled: number; stored: [string, string | null][] }[]>`
      WITH stored AS (${pages ?? Prisma.sql`SELECT NULL::text AS url, NULL::text AS duplicate_of WHERE false`}),
      crawl AS (SELECT frontier_size FROM scraper.crawls WHERE task_id = ${taskId}::uuid FOR UPDATE),
      added AS (
        INSERT INTO scraper.frontier (task_id, fingerprint, url, host, depth, source, not_before, updated_at)
        -- truncated, not rounded to the column's milliseconds: a new entry is due at once, never 0.5 ms from now
        SELECT ${taskId}::uuid, c.fingerprint, c.url, c.host, c.depth, c.source, date_trunc('milliseconds', now()), now()
        FROM (
          -- each URL once (several pages may link to it), from its first page that is no duplicate
          SELECT DISTINCT ON (c.fingerprint) c.* FROM unnest(
              ${candidates.map((c) => c.fingerprint)}::text[], ${candidates.map((c) => c.url)}::text[], ${candidates.map((c) => c.host)}::text[],
              ${candidates.map((c) => c.depth)}::int[], ${candidates.map((c) => c.source)}::text[], ${candidates.map((c) => c.foundOn ?? null)}::text[])
            WITH ORDINALITY AS c(fingerprint, url, host, depth, source, found_on, ord)
          WHERE c.found_on IS NULL OR EXISTS (SELECT 1 FROM stored WHERE stored.url = c.found_on AND stored.duplicate_of IS NULL)
          ORDER BY c.fingerprint, c.ord
        ) c
        WHERE NOT EXISTS (SELECT 1 FROM scraper.frontier f WHERE f.task_id = ${taskId}::uuid AND f.fingerprint = c.fingerprint)
        ORDER BY c.ord
        LIMIT GREATEST(0, ${cap}::int - (SELECT frontier_size FROM crawl))
        ON CONFLICT (task_id, fingerprint) DO NOTHING
        RETURNING 1
      ),
      grown AS (
        UPDATE scraper.crawls SET frontier_size = frontier_size + (SELECT count(*) FROM added)
        WHERE task_id = ${taskId}::uuid AND EXISTS (SELECT 1 FROM added)
      ),
      settled AS (
        UPDATE scraper.frontier f SET state = s.state::scraper."FrontierState", lease_until = NULL, reason = s.reason, updated_at = now()
        FROM unnest(${settlements.map((s) => s.fingerprint)}::text[], ${settlements.map((s) => s.state)}::text[], ${settlements.map((s) => s.reason ?? null)}::text[])
             AS s(fingerprint, state, reason)
        WHERE f.task_id = ${taskId}::uuid AND f.fingerprint = s.fingerprint AND f.state = 'FETCHING'
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM crawl)::int AS crawls, (SELECT count(*) FROM added)::int AS added, (SELECT count(*) FROM settled)::int AS settled,
             (SELECT coalesce(json_agg(json_build_array(url, duplicate_of)), '[]'::json) FROM stored) AS stored`;
    const [result] = rows;
    if (candidates.length > 0 && !result?.crawls) throw new Error(`crawl ${taskId} has no row: begin it before adding to its frontier`);
    return {
      added: result?.added ?? 0,
      settled: result?.settled ?? 0,
      stored: new Map((result?.stored ?? []).map(([url, duplicateOf]) => [url, duplicateOf ?? undefined])),
    };
  }

  /** Adds without settling anything; returns how many were added. */
  async add(taskId: string, candidates: readonly FrontierCandidate[], cap: number): Promise<number> {
    return (await this.advance({ taskId, candidates, cap })).added;
  }

  /**
   * Claims up to `limit` due entries, marking them FETCHING until now + leaseMs: first those whose
   * lease ran out (their process died), then QUEUED ones past not_before, shallowest first.
   * Concurrent claimers never get the same entry. The two kinds are looked up separately so each
   * is an ordered index scan that stops at `limit`, however large the frontier.
   */
  async claim(taskId: string, limit: number, leaseMs: number): Promise<ClaimedEntry[]> {
    if (limit <= 0) return [];
    return this.prisma.$queryRaw<ClaimedEntry[]>`
      WITH expired AS (
        SELECT fingerprint, 0 AS rank FROM scraper.frontier
        WHERE task_id = ${taskId}::uuid AND state = 'FETCHING' AND lease_until < now()
        ORDER BY lease_until
        LIMIT ${limit}::int
        FOR UPDATE SKIP LOCKED
      ),
      queued AS (
        SELECT fingerprint, 1 AS rank FROM scraper.frontier
        WHERE task_id = ${taskId}::uuid AND state = 'QUEUED' AND not_before <= now()
        ORDER BY depth, not_before, created_at
        LIMIT ${limit}::int
        FOR UPDATE SKIP LOCKED
      ),
      due AS (SELECT fingerprint FROM (SELECT * FROM expired UNION ALL SELECT * FROM queued) d ORDER BY rank LIMIT ${limit}::int)
      UPDATE scraper.frontier f
      SET state = 'FETCHING', lease_until = now() + ${leaseMs}::int * interval '1 millisecond', attempts = f.attempts + 1, updated_at = now()
      FROM due
      WHERE f.task_id = ${taskId}::uuid AND f.fingerprint = due.fingerprint
      RETURNING f.url, f.fingerprint, f.host, f.depth, f.source, f.attempts`;
  }

  /** Puts a claimed entry back, due at `notBefore` (backoff, Retry-After). */
  async retry(taskId: string, fingerprint: string, notBefore: Date, reason: string): Promise<boolean> {
    const changed = await this.prisma.$executeRaw`
      UPDATE scraper.frontier SET state = 'QUEUED', lease_until = NULL, not_before = ${notBefore}, reason = ${reason}, updated_at = now()
      WHERE task_id = ${taskId}::uuid AND fingerprint = ${fingerprint} AND state = 'FETCHING'`;
    return changed === 1;
  }

  /**
   * Hands claimed entries back without counting the attempt (the process is stopping, the host had
   * no slot free in time, or they were claimed ahead and not started), due at `notBefore` (default: at once).
   */
  async release(taskId: string, fingerprints: readonly string[], notBefore: Date = new Date()): Promise<number> {
    if (fingerprints.length === 0) return 0;
    return this.prisma.$executeRaw`
      UPDATE scraper.frontier SET state = 'QUEUED', lease_until = NULL, attempts = GREATEST(0, attempts - 1), not_before = ${notBefore}, updated_at = now()
      WHERE task_id = ${taskId}::uuid AND fingerprint = ANY(${fingerprints}::text[]) AND state = 'FETCHING'`;
  }

  /**
   * Makes every FETCHING entry of the task due again. Only for the process that just took over the
   * crawl's job after its previous holder stopped answering: their work is then not waited for.
   */
  releaseAll(taskId: string): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE scraper.frontier SET state = 'QUEUED', lease_until = NULL, updated_at = now()
      WHERE task_id = ${taskId}::uuid AND state = 'FETCHING'`;
  }

  async counts(taskId: string): Promise<FrontierCounts> {
    const rows = await this.prisma.$queryRaw<{ state: string; n: number }[]>`
      SELECT state::text AS state, count(*)::int AS n FROM scraper.frontier WHERE task_id = ${taskId}::uuid GROUP BY state`;
    const by = (state: string) => rows.find((r) => r.state === state)?.n ?? 0;
    const counts = { queued: by('QUEUED') + by('FETCHING'), done: by('DONE'), failed: by('FAILED'), skipped: by('SKIPPED') };
    return { ...counts, total: counts.queued + counts.done + counts.failed + counts.skipped };
  }

  /** Finished when nothing is QUEUED or FETCHING (an expired FETCHING entry still has to be fetched). */
  async isFinished(taskId: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ open: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM scraper.frontier WHERE task_id = ${taskId}::uuid AND state IN ('QUEUED', 'FETCHING')) AS open`;
    return !rows[0]?.open;
  }

  /** When the next entry becomes claimable (not_before of QUEUED, lease end of FETCHING), if any is open. */
  async nextDueAt(taskId: string): Promise<Date | undefined> {
    const rows = await this.prisma.$queryRaw<{ due: Date | null }[]>`
      SELECT min(CASE WHEN state = 'QUEUED' THEN not_before ELSE lease_until END) AS due
      FROM scraper.frontier WHERE task_id = ${taskId}::uuid AND state IN ('QUEUED', 'FETCHING')`;
    return rows[0]?.due ?? undefined;
  }

  /** The reason of the task's first start URL that did not succeed (for a crawl that fetched nothing). */
  async firstStartFailure(taskId: string): Promise<string | undefined> {
    const rows = await this.prisma.$queryRaw<{ url: string; reason: string | null }[]>`
      SELECT url, reason FROM scraper.frontier
      WHERE task_id = ${taskId}::uuid AND source = 'start' AND state IN ('FAILED', 'SKIPPED')
      ORDER BY created_at LIMIT 1`;
    return rows[0] ? `${rows[0].url}: ${rows[0].reason ?? 'failed'}` : undefined;
  }
}
