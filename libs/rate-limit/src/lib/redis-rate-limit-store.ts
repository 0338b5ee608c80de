import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateLimitDecision } from './rate-limit-decision';
import type { ResolvedPolicy } from './rate-limit-policy';
import { redisKey } from './rate-limit-key';
import { RateLimitScripts, type ScriptCall, type ScriptOutcome } from './rate-limit-scripts';
import { withTimeout } from './timeouts';

export interface StoreDecision extends RateLimitDecision {
  readonly limit: number;
  /** When the decision was made (for a reservation: the time it admits), in epoch milliseconds of the deciding clock. */
  readonly decidedAtMs: number;
}

interface PendingDecision extends ScriptCall {
  readonly limit: number;
  readonly resolve: (decision: StoreDecision) => void;
  readonly reject: (error: unknown) => void;
}

// Bounds one pipeline's size. Small enough that Redis starts on the first pipeline of a burst while
// this process still builds the next one (one pipeline of 512 left the two taking turns, ~40% slower).
const MAX_BATCH = 32;

/**
 * Decisions made in Redis: one script call per decision, on Redis's clock. Decisions asked for in
 * the same tick of the event loop travel in one pipeline (one socket write, one round trip); each
 * is still its own atomic script. A batch that does not answer within `commandTimeoutMs` fails
 * every decision in it.
 */
export class RedisRateLimitStore {
  private readonly scripts = RateLimitScripts.load();
  // Sliding-window members must be unique across every process: a random id per store plus a counter.
  private readonly memberPrefix = randomBytes(9).toString('base64url');
  private calls = 0;
  private batch: PendingDecision[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly commandTimeoutMs: number,
  ) {}

  /** `reserveUpToMs` > 0 (GCRA only): admit for later rather than refuse, up to that far ahead. */
  decide(policy: ResolvedPolicy, identity: string, cost: number, reserveUpToMs = 0): Promise<StoreDecision> {
    const key = redisKey(this.prefix, identity);
    return new Promise<StoreDecision>((resolve, reject) => {
      if (this.batch.length === 0) process.nextTick(() => this.flush());
      this.batch.push(
        policy.algorithm === 'gcra'
          ? { name: 'gcra', key, args: [String((policy.periodMs * 1000) / policy.limit), policy.burst, cost, Math.floor(reserveUpToMs * 1000)], limit: policy.limit, resolve, reject }
          : {
              name: 'sliding-window',
              key,
              args: [policy.limit, policy.periodMs * 1000, cost, `${this.memberPrefix}${(this.calls++).toString(36)}:`],
              limit: policy.limit,
              resolve,
              reject,
            },
      );
      if (this.batch.length >= MAX_BATCH) this.flush();
    });
  }

  ping(): Promise<unknown> {
    return withTimeout(this.redis.ping(), this.commandTimeoutMs);
  }

  private flush(): void {
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    withTimeout(this.scripts.runAll(this.redis, batch), this.commandTimeoutMs).then(
      (outcomes) => batch.forEach((pending, i) => settle(pending, outcomes[i])),
      (error: unknown) => batch.forEach((pending) => pending.reject(error)),
    );
  }
}

function settle(pending: PendingDecision, outcome: ScriptOutcome): void {
  if (outcome.error) return pending.reject(outcome.error);
  const reply = outcome.reply;
  if (!Array.isArray(reply) || reply.length < 5) return pending.reject(new Error(`unexpected rate-limit script reply: ${JSON.stringify(reply)}`));
  // the sliding window answers five values; GCRA adds when the request is admitted (later for a reservation)
  const [allowed, remaining, retryAfterMs, resetAfterMs, nowUs, admittedAtUs = nowUs] = reply as number[];
  pending.resolve({ allowed: allowed === 1, limit: pending.limit, remaining, retryAfterMs, resetAfterMs, decidedAtMs: admittedAtUs / 1000 });
}
