import { checkGrpcHealth } from '@sluice/grpc';
import { createIsolatedEnv, type IsolatedEnv } from './support/isolated-env';
import { eventually, getJson, startPlatform, type Platform } from './support/platform';
import { freePort, TestRedisServer } from '@sluice/testing';

// cache and scheduler need Redis; ingest does not and must stay ready throughout.
const NEEDS_REDIS = ['cache', 'scheduler'];

jest.setTimeout(60_000);

describe('a Redis outage', () => {
  let isolated: IsolatedEnv;
  let platform: Platform;
  let redis: TestRedisServer;

  beforeAll(async () => {
    redis = new TestRedisServer(await freePort());
    await redis.start();
    isolated = await createIsolatedEnv();
    platform = await startPlatform('redis-outage', {
      portOffset: 1200,
      only: [...NEEDS_REDIS, 'ingest'],
      env: { ...isolated.env, REDIS_URL: redis.url, READINESS_TIMEOUT_MS: '500' },
    });
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await redis?.stop();
    await isolated?.dispose();
  }, 60_000);

  const readyStatus = async (service: string) => (await getJson(`${platform.url(service)}/health/ready`)).status;
  const liveStatus = async (service: string) => (await getJson(`${platform.url(service)}/health/live`)).status;

  it('turns readiness false where Redis is needed, keeps liveness, and recovers when Redis is back', async () => {
    for (const service of [...NEEDS_REDIS, 'ingest']) expect(await readyStatus(service)).toBe(200);

    await redis.stop();
    for (const service of NEEDS_REDIS) {
      await eventually(() => readyStatus(service), (s) => s === 503);
      expect(await liveStatus(service)).toBe(200);
    }
    expect(await readyStatus('ingest')).toBe(200);
    await eventually(
      () => checkGrpcHealth(platform.grpcAddress('cache'), 'sluice.cache.v1.CacheService', 1000),
      (s) => s === 'NOT_SERVING',
    );

    await redis.start();
    for (const service of NEEDS_REDIS) await eventually(() => readyStatus(service), (s) => s === 200, 30_000);
    await eventually(
      () => checkGrpcHealth(platform.grpcAddress('cache'), 'sluice.cache.v1.CacheService', 1000),
      (s) => s === 'SERVING',
    );
  }, 120_000);
});
