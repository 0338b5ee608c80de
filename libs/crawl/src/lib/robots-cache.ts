import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { robotsRulesFromResponse, robotsUrlFor, type RobotsFetchResult, type RobotsRules } from './robots-rules';

export interface RobotsCacheOptions {
  /** A connected client owned by the caller; never closed here. */
  readonly redis: Redis;
  /** First part of every key (`sluice` in production, a unique prefix in tests). */
  readonly keyPrefix: string;
  /** The crawler's User-Agent; its product token selects the robots.txt group. */
  readonly userAgent: string;
  /** Fetches a robots.txt: `status: undefined` when the host is unreachable. A rejection counts as unreachable too. */
  readonly fetchRobots: (robotsUrl: string, signal?: AbortSignal) => Promise<RobotsFetchResult>;
  /** How long a 2xx/4xx result is used. Default 1 hour; refreshed in the background after half of it. */
  readonly ttlMs?: number;
  /** How long a 5xx or unreachable result (disallow all) is used. Default 60 s. */
  readonly errorTtlMs?: number;
  readonly maxCrawlDelayMs?: number;
  /** robots.txt bytes kept (RFC 9309 asks for at least 500 KiB); the rest is ignored. Default 500 KiB. */
  readonly maxBodyBytes?: number;
  /** Origins whose parsed rules are kept in process. Default 10 000. */
  readonly maxOrigins?: number;
  /** Time limit of one robots.txt fetch; past it the host counts as unreachable. Default 30 s. */
  readonly fetchTimeoutMs?: number;
  /** Told about failures that do not fail a caller: Redis errors (the cache is then bypassed) and failed background refreshes. */
  readonly onError?: (error: unknown, robotsUrl: string) => void;
}

/** What is shared in Redis: the raw fetch result, so every replica parses it for its own user agent settings. */
interface StoredRobots {
  readonly status: number | null;
  readonly body?: string;
  readonly fetchedAt: number;
}

interface Entry {
  readonly rules: RobotsRules;
  readonly fetchedAt: number;
  readonly ttlMs: number;
}

/**
 * robots.txt rules per origin, shared by all replicas: the raw fetch result lives in Redis with a
 * TTL (1 h, or 60 s for 5xx/unreachable), parsed rules in a bounded in-process LRU. Concurrent
 * callers for one origin in a process share one load (single flight). After half its TTL an entry
 * is still served while one background fetch refreshes it, so callers do not wait on robots.txt
 * for hosts in use.
 */
export class RobotsCache {
  private readonly o: Required<Omit<RobotsCacheOptions, 'onError'>> & Pick<RobotsCacheOptions, 'onError'>;
  private readonly local: LRUCache<string, Entry>;
  private readonly loading = new Map<string, Promise<Entry>>();
  private readonly refreshing = new Set<string>();

  constructor(options: RobotsCacheOptions) {
    this.o = {
      ttlMs: 60 * 60_000,
      errorTtlMs: 60_000,
      maxCrawlDelayMs: 30_000,
      maxBodyBytes: 500 * 1024,
      maxOrigins: 10_000,
      fetchTimeoutMs: 30_000,
      ...definedOnly(options),
    } as RobotsCache['o'];
    this.local = new LRUCache({ max: this.o.maxOrigins });
  }

  /** The rules that apply to `url` (from its origin's robots.txt). Rejects only when `signal` aborts (with its reason) or `url` is not a URL. */
  async rulesFor(url: string, signal?: AbortSignal): Promise<RobotsRules> {
    signal?.throwIfAborted();
    const robotsUrl = robotsUrlFor(url);
    const cached = this.local.get(robotsUrl);
    if (cached && this.isFresh(cached)) {
      this.refreshIfAging(robotsUrl, cached);
      return cached.rules;
    }
    return (await untilAborted(this.load(robotsUrl), signal)).rules;
  }

  private load(robotsUrl: string): Promise<Entry> {
    let loading = this.loading.get(robotsUrl);
    if (!loading) {
      loading = this.readOrFetch(robotsUrl).finally(() => this.loading.delete(robotsUrl));
      this.loading.set(robotsUrl, loading);
    }
    return loading;
  }

  private async readOrFetch(robotsUrl: string): Promise<Entry> {
    const stored = await this.readShared(robotsUrl);
    if (stored) {
      const entry = this.remember(robotsUrl, stored);
      if (this.isFresh(entry)) {
        this.refreshIfAging(robotsUrl, entry);
        return entry;
      }
    }
    return this.fetchAndStore(robotsUrl);
  }

  private async fetchAndStore(robotsUrl: string): Promise<Entry> {
    const result = await this.fetchBounded(robotsUrl);
    const stored: StoredRobots = { status: result.status ?? null, body: result.body === undefined ? undefined : this.truncate(result.body), fetchedAt: Date.now() };
    try {
      await this.o.redis.set(this.key(robotsUrl), JSON.stringify(stored), 'PX', this.ttlFor(stored.status));
    } catch (error) {
      this.o.onError?.(error, robotsUrl);
    }
    return this.remember(robotsUrl, stored);
  }

  /** One replica refreshes an aging entry (a short Redis claim); the others keep serving theirs until Redis holds the new one. */
  private refreshIfAging(robotsUrl: string, entry: Entry): void {
    if (Date.now() - entry.fetchedAt < entry.ttlMs / 2 || this.refreshing.has(robotsUrl) || this.loading.has(robotsUrl)) return;
    this.refreshing.add(robotsUrl);
    const refresh = async () => {
      const claimed = await this.o.redis.set(`${this.key(robotsUrl)}:refresh`, '1', 'PX', this.o.fetchTimeoutMs, 'NX');
      if (claimed === 'OK') {
        await this.fetchAndStore(robotsUrl);
        return;
      }
      const stored = await this.readShared(robotsUrl);
      if (stored && stored.fetchedAt > entry.fetchedAt) this.remember(robotsUrl, stored);
    };
    refresh()
      .catch((error: unknown) => this.o.onError?.(error, robotsUrl))
      .finally(() => this.refreshing.delete(robotsUrl));
  }

  private async readShared(robotsUrl: string): Promise<StoredRobots | undefined> {
    try {
      const raw = await this.o.redis.get(this.key(robotsUrl));
      return raw === null ? undefined : (JSON.parse(raw) as StoredRobots);
    } catch (error) {
      this.o.onError?.(error, robotsUrl);
      return undefined;
    }
  }

  /** The fetch with its own time limit; a rejection or a time-out means the host is unreachable (RFC 9309: disallow all). */
  private async fetchBounded(robotsUrl: string): Promise<RobotsFetchResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`robots.txt fetch took longer than ${this.o.fetchTimeoutMs} ms`)), this.o.fetchTimeoutMs);
    try {
      return await untilAborted(this.o.fetchRobots(robotsUrl, controller.signal), controller.signal);
    } catch {
      return { status: undefined };
    } finally {
      clearTimeout(timer);
    }
  }

  private remember(robotsUrl: string, stored: StoredRobots): Entry {
    const result: RobotsFetchResult = { status: stored.status ?? undefined, body: stored.body };
    const entry: Entry = {
      rules: robotsRulesFromResponse(robotsUrl, this.o.userAgent, result, this.o.maxCrawlDelayMs),
      fetchedAt: stored.fetchedAt,
      ttlMs: this.ttlFor(stored.status),
    };
    this.local.set(robotsUrl, entry);
    return entry;
  }

  private isFresh(entry: Entry): boolean {
    return Date.now() - entry.fetchedAt < entry.ttlMs;
  }

  private ttlFor(status: number | null): number {
    return status !== null && status >= 200 && status < 500 ? this.o.ttlMs : this.o.errorTtlMs;
  }

  /** Keeps at most `maxBodyBytes`, cut after the last complete line so no rule is read half. */
  private truncate(body: string): string {
    const bytes = Buffer.from(body, 'utf8');
    if (bytes.length <= this.o.maxBodyBytes) return body;
    const head = bytes.subarray(0, this.o.maxBodyBytes);
    const lastNewline = head.lastIndexOf(0x0a);
    return head.subarray(0, lastNewline === -1 ? 0 : lastNewline + 1).toString('utf8');
  }

  private key(robotsUrl: string): string {
    return `${this.o.keyPrefix}:crawl:robots:${robotsUrl}`;
  }
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts; the listener is removed either way. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
