import { z } from 'zod';

/** Most keys carried by one event; the service splits larger invalidations over several events. */
export const MAX_KEYS_PER_EVENT = 500;

/**
 * The payload on `events.cache.invalidated`: which of a tenant's entries changed or went away.
 * `keys` lists them exactly; `prefix` covers every key starting with it; `tags` alone (without
 * `keys`) means "entries with these tags", which a near-cache that does not track tags must treat as
 * "everything of the tenant".
 */
export const CacheInvalidatedEvent = z
  .strictObject({
    tenantId: z.string().min(1).max(64),
    keys: z.array(z.string().min(1).max(512)).max(MAX_KEYS_PER_EVENT).optional(),
    tags: z.array(z.string().min(1).max(128)).max(16).optional(),
    prefix: z.string().min(1).max(512).optional(),
  })
  .refine((e) => e.keys !== undefined || e.tags !== undefined || e.prefix !== undefined, { message: 'names no keys, tags or prefix' });
export type CacheInvalidatedEvent = z.infer<typeof CacheInvalidatedEvent>;
