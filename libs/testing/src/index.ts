// Fixtures for tests only (integration and end-to-end); never imported by production code.
export { TestRedisServer, freePort } from './lib/test-redis-server';
export { eventually } from './lib/eventually';
export { uniquePrefix } from './lib/unique-prefix';
export { deleteKeysWithPrefix } from './lib/redis-keys';
export { openSse } from './lib/sse-client';
export type { SseClient } from './lib/sse-client';
