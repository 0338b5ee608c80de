import type { NatsConnection } from '@sluice/messaging';
import { CacheInvalidatedEvent } from '@sluice/cache-store';
import type { InvalidationScope } from './invalidation-log';

export interface InvalidationListener {
  /** Entries of this tenant that changed. */
  invalidate(scope: InvalidationScope): void;
  /** Events may be missed from now on (connection lost): stop trusting the near-cache. */
  suspend(): void;
  /** Events flow again; whatever happened in between is unknown. */
  resume(): void;
}

const decoder = new TextDecoder();

export interface EventReading {
  /** What to forget; empty for another tenant's event. */
  readonly scopes: InvalidationScope[];
  /** The payload was not a valid event, so everything is forgotten. */
  readonly unreadable: boolean;
}

/** What one `events.cache.invalidated` message means for a near-cache of `tenantId`. */
export function readEvent(data: Uint8Array, tenantId: string): EventReading {
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(data));
  } catch {
    body = undefined;
  }
  const parsed = CacheInvalidatedEvent.safeParse(body);
  // An event we cannot read might have been ours: forgetting everything is the only safe reading.
  if (!parsed.success) return { scopes: [{ kind: 'all' }], unreadable: true };
  const event = parsed.data;
  if (event.tenantId !== tenantId) return { scopes: [], unreadable: false };
  const scopes: InvalidationScope[] = [];
  if (event.keys) scopes.push({ kind: 'keys', keys: new Set(event.keys) });
  if (event.prefix) scopes.push({ kind: 'prefix', prefix: event.prefix });
  // Tags alone: the near-cache does not know which entries carry them.
  if (!event.keys && !event.prefix) scopes.push({ kind: 'all' });
  return { scopes, unreadable: false };
}

/**
 * A core NATS subscription to the (namespaced) invalidation subject, plus a watch on the
 * connection: on disconnect the listener is suspended, on reconnect resumed.
 */
export class InvalidationSubscription {
  private readonly subscription: ReturnType<NatsConnection['subscribe']>;
  private readonly statuses: ReturnType<NatsConnection['status']>;
  private received = 0;
  private unreadable = 0;

  private constructor(
    private readonly nc: NatsConnection,
    subject: string,
    private readonly tenantId: string,
    private readonly listener: InvalidationListener,
  ) {
    this.subscription = nc.subscribe(subject, {
      callback: (error, msg) => {
        if (error) {
          listener.suspend();
          return;
        }
        this.received++;
        const reading = readEvent(msg.data, this.tenantId);
        if (reading.unreadable) this.unreadable++;
        for (const scope of reading.scopes) listener.invalidate(scope);
      },
    });
    this.statuses = nc.status();
    void this.watch();
  }

  /** Subscribes and waits until the server has registered the subscription. */
  static async start(nc: NatsConnection, subject: string, tenantId: string, listener: InvalidationListener): Promise<InvalidationSubscription> {
    const subscription = new InvalidationSubscription(nc, subject, tenantId, listener);
    await nc.flush();
    return subscription;
  }

  /** Resolves once every message the server sent before now has been handled. */
  flush(): Promise<void> {
    return this.nc.flush();
  }

  counts(): { received: number; unreadable: number } {
    return { received: this.received, unreadable: this.unreadable };
  }

  stop(): void {
    this.subscription.unsubscribe();
    const statuses = this.statuses as unknown as { stop?: () => void };
    statuses.stop?.();
  }

  // Ends when stop() ends the status iterator or the connection closes.
  private async watch(): Promise<void> {
    try {
      for await (const status of this.statuses) {
        if (status.type === 'disconnect') this.listener.suspend();
        else if (status.type === 'reconnect') this.listener.resume();
      }
    } catch {
      // A failed status stream means disconnects can no longer be noticed.
      this.listener.suspend();
      return;
    }
    if (this.nc.isClosed()) this.listener.suspend();
  }
}
