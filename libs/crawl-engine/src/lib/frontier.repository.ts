import type { PrismaClient } from '@sluice/database';

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
   * Adds the candidates not yet in the task's frontier, in order, while the frontier holds fewer
   * than `cap` entries. Returns how many were added. Callers of one task serialise their calls
   * (the cap is read in the same statement, not locked).
   */
  async add(taskId: string, candidates: readonly FrontierCandidate[], cap: number): Promise<number> {
    if (candidates.length === 0) return 0;
    return this.prisma.$executeRaw`
      INSERT INTO scraper.frontier (task_id, fingerprint, url, host, depth, source, updated_at)
      SELECT ${taskId}::uuid, c.fingerprint, c.url, c.host, c.depth, c.source, now()
      FROM unnest(${candidates.map((c) => c.fingerprint)}::text[], ${candidates.map((c) => c.url)}::text[], ${candidates.map((c) => c.host)}::text[],
                  ${candidates.map((c) => c.depth)}::int[], ${candidates.map((c) => c.source)}::text[])
           WITH ORDINALITY AS c(fingerprint, url, host, depth, source, ord)
      WHERE NOT EXISTS (SELECT 1 FROM scraper.frontier f WHERE f.task_id = ${taskId}::uuid AND f.fingerprint = c.fingerprint)
      ORDER BY c.ord
      LIMIT GREATEST(0, ${cap}::int - (SELECT count(*) FROM scraper.frontier f WHERE f.task_id = ${taskId}::uuid))
      ON CONFLICT (task_id, fingerprint) DO NOTHING`;
  }

  /**
   * Claims up to `limit` due entries (QUEUED and past not_before, or FETCHING with an expired
   * lease), shallowest first, marking them FETCHING until now + leaseMs. Concurrent claimers never
   * get the same entry.
   */
  async claim(taskId: string, limit: number, leaseMs: number): Promise<ClaimedEntry[]> {
    if (limit <= 0) return [];
    return this.prisma.$queryRaw<ClaimedEntry[]>`
      UPDATE scraper.frontier f
      SET state = 'FETCHING', lease_until = now() + ${leaseMs}::int * interval '1 millisecond', attempts = f.attempts + 1, updated_at = now()
      FROM (
        SELECT fingerprint FROM scraper.frontier
        WHERE task_id = ${taskId}::uuid
          AND ((state = 'QUEUED' AND not_before <= now()) OR (state = 'FETCHING' AND lease_until < now()))
        ORDER BY depth, not_before, created_at
        LIMIT ${limit}::int
        FOR UPDATE SKIP LOCKED
      ) due
      WHERE f.task_id = ${taskId}::uuid AND f.fingerprint = due.fingerprint
      RETURNING f.url, f.fingerprint, f.host, f.depth, f.source, f.attempts`;
  }

  complete(taskId: string, fingerprint: string): Promise<boolean> {
    return this.settle(taskId, fingerprint, 'DONE', null);
  }

  fail(taskId: string, fingerprint: string, reason: string): Promise<boolean> {
    return this.settle(taskId, fingerprint, 'FAILED', reason);
  }

  skip(taskId: string, fingerprint: string, reason: string): Promise<boolean> {
    return this.settle(taskId, fingerprint, 'SKIPPED', reason);
  }

  /** Puts a claimed entry back, due at `notBefore` (backoff, Retry-After). */
  async retry(taskId: string, fingerprint: string, notBefore: Date, reason: string): Promise<boolean> {
    const changed = await this.prisma.$executeRaw`
      UPDATE scraper.frontier SET state = 'QUEUED', lease_until = NULL, not_before = ${notBefore}, reason = ${reason}, updated_at = now()
      WHERE task_id = ${taskId}::uuid AND fingerprint = ${fingerprint} AND state = 'FETCHING'`;
    return changed === 1;
  }

  /**
   * Hands a claimed entry back without counting the attempt (the process is stopping, or the host
   * had no slot free in time), due at `notBefore` (default: at once).
   */
  async release(taskId: string, fingerprint: string, notBefore: Date = new Date()): Promise<boolean> {
    const changed = await this.prisma.$executeRaw`
      UPDATE scraper.frontier SET state = 'QUEUED', lease_until = NULL, attempts = GREATEST(0, attempts - 1), not_before = ${notBefore}, updated_at = now()
      WHERE task_id = ${taskId}::uuid AND fingerprint = ${fingerprint} AND state = 'FETCHING'`;
    return changed === 1;
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

  private async settle(taskId: string, fingerprint: string, state: 'DONE' | 'FAILED' | 'SKIPPED', reason: string | null): Promise<boolean> {
    const changed = await this.prisma.$executeRaw`
      UPDATE scraper.frontier SET state = ${state}::scraper."FrontierState", lease_until = NULL, reason = ${reason}, updated_at = now()
      WHERE task_id = ${taskId}::uuid AND fingerprint = ${fingerprint} AND state = 'FETCHING'`;
    return changed === 1;
  }
}
