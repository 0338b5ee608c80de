import { Inject, Injectable } from '@nestjs/common';
import { MAX_KEYS_PER_EVENT, type CacheInvalidatedEvent } from '@sluice/cache-store';
import { SUBJECTS, UnavailableError } from '@sluice/contracts';
import { EventPublisher, PUBLISHER } from '@sluice/runtime';

/** Publishes `events.cache.invalidated` so near-caches drop what changed; keys go in events of bounded size. */
@Injectable()
export class CacheInvalidations {
  constructor(@Inject(PUBLISHER) private readonly events: EventPublisher) {}

  async keys(tenantId: string, keys: readonly string[], tags?: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += MAX_KEYS_PER_EVENT) {
      await this.publish({ tenantId, keys: keys.slice(i, i + MAX_KEYS_PER_EVENT), ...(tags ? { tags: [...tags] } : {}) });
    }
  }

  async prefix(tenantId: string, prefix: string): Promise<void> {
    await this.publish({ tenantId, prefix });
  }

  // The change is already in Redis; failing the call tells the caller near-caches may not know of it.
  private async publish(event: CacheInvalidatedEvent): Promise<void> {
    try {
      await this.events.publish(SUBJECTS.cacheInvalidated, event);
    } catch (error) {
      throw new UnavailableError(`the change was stored, but near-caches could not be told: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
