import { startFixtureSite, type FixtureSite } from './support/fixture-site';
import { createIsolatedEnv, type IsolatedEnv } from './support/isolated-env';
import { ApiClient, type Session } from './support/api-client';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { eventually, getJson, startPlatform, type Platform } from './support/platform';

const SERVICES = ['gateway', 'scheduler', 'scraper', 'cache', 'orchestrator', 'ingest', 'data-quality', 'transform'];
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CONSUMER = 5;

jest.setTimeout(60_000);

describe('Sluice as eight processes on real PostgreSQL, Redis and NATS', () => {
  let isolated: IsolatedEnv;
  let platform: Platform;
  let api: ApiClient;
  let admin: Session;
  let site: FixtureSite;
  const receiver = new OtlpReceiver();

  beforeAll(async () => {
    isolated = await createIsolatedEnv();
    const otlp = await receiver.start();
    // Crawls in tests reach only this loopback site, which the operator allowlist lets through.
    site = await startFixtureSite({ plain: true, sections: 1, itemsPerSection: 2 });
    platform = await startPlatform('platform', {
      portOffset: 1100,
      env: { ...isolated.env, OTEL_EXPORTER_OTLP_ENDPOINT: otlp, OTEL_BSP_SCHEDULE_DELAY: '100', SCRAPER_FETCH_ALLOWLIST: '127.0.0.1/32' },
    });
    api = new ApiClient(platform.url('gateway'));
    admin = await api.signup('platform');
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await receiver.stop();
    await site?.close();
    await isolated?.dispose();
  }, 60_000);

  it('reports all eight services SERVING, with their version, in /v1/status', async () => {
    const { status, body } = await api.request<{ status: string; services: { name: string; status: string; version?: string }[] }>(
      'GET',
      '/v1/status',
      { auth: { token: admin.accessToken } },
    );
    expect(status).toBe(200);
    expect(body.status).toBe('SERVING');
    expect(body.services.map((s) => s.name).sort()).toEqual([...SERVICES].sort());
    for (const service of body.services) {
      expect(service).toEqual({ name: service.name, status: 'SERVING', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    }
  });

  it('serves liveness and readiness on every service', async () => {
    for (const name of SERVICES) {
      expect((await getJson(`${platform.url(name)}/health/live`)).status).toBe(200);
      const ready = await getJson<{ status: string; checks: Record<string, { ok: boolean }> }>(`${platform.url(name)}/health/ready`);
      expect(ready.status).toBe(200);
      expect(Object.values(ready.body.checks).every((c) => c.ok)).toBe(true);
    }
  });

  it('follows one request from the gateway over gRPC and JetStream to the worker in a single trace', async () => {
    const created = await api.request<{ taskId: string; status: string }>('POST', '/v1/scrape-jobs', {
      auth: { token: admin.accessToken },
      body: { startUrls: [`${site.origin}/`], maxDepth: 1 },
    });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('QUEUED');

    // The worker takes the job, crawls, and reports back through events until the task has ended.
    const task = await eventually(
      () => api.request<{ status: string; startedAt?: string; error?: string }>('GET', `/v1/tasks/${created.body.taskId}`, { auth: { token: admin.accessToken } }),
      (r) => ['SUCCEEDED', 'FAILED'].includes(r.body.status),
    );
    expect(task.body).toMatchObject({ status: 'SUCCEEDED', startedAt: expect.any(String) });

    // the root: the gateway's server span of the request that made the CreateTask call
    const rootOf = (all: ReceivedSpan[]) => {
      const create = all.find((s) => s.service === 'gateway' && s.name.endsWith('SchedulerService/CreateTask'));
      return create && all.find((s) => s.traceId === create.traceId && s.service === 'gateway' && s.kind === SPAN_KIND_SERVER && !s.parentSpanId);
    };
    const spans = await receiver.waitFor((all) => {
      const root = rootOf(all);
      return !!root && all.some((s) => s.traceId === root.traceId && s.service === 'scraper' && s.kind === SPAN_KIND_CONSUMER);
    });
    const root = rootOf(spans)!;
    const trace = spans.filter((s) => s.traceId === root.traceId);
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['gateway', 'scheduler', 'scraper']));
    expect(trace.some((s) => s.service === 'scheduler' && s.kind === SPAN_KIND_SERVER && s.name.includes('SchedulerService/CreateTask'))).toBe(true);
    // every span but the root has its parent inside the same trace: one connected tree
    const ids = new Set(trace.map((s) => s.spanId));
    expect(trace.filter((s) => s !== root && !ids.has(s.parentSpanId ?? ''))).toEqual([]);
  });

  it('refuses an invalid job with problem+json naming every bad field', async () => {
    const res = await api.request<{ status: number; errors: { path: string }[] }>('POST', '/v1/scrape-jobs', {
      auth: { token: admin.accessToken },
      body: { startUrls: ['ftp://example.org/'], maxDepth: 99, surprise: true },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e) => e.path).sort()).toEqual(['(body)', 'maxDepth', 'startUrls.0']);
  });

  it('answers an unknown task with 404 problem+json', async () => {
    const res = await api.request<{ status: number }>('GET', '/v1/tasks/2b0c8d52-8f0e-4c49-9d0a-3f1f1d5c9e11', { auth: { token: admin.accessToken } });
    expect(res.status).toBe(404);
    expect(res.body.status).toBe(404);
  });

  it('documents every route that exists in an OpenAPI document generated from the code', async () => {
    const { status, body } = await getJson<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      `${platform.url('gateway')}/docs/openapi.json`,
    );
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths['/v1/scrape-jobs'])).toEqual(['post']);
    expect(Object.keys(body.paths['/v1/tasks/{id}'])).toEqual(['get']);
    expect(Object.keys(body.paths['/v1/status'])).toEqual(['get']);
  });

  it('lets an admin read cache stats and invalidate by prefix through the cache service', async () => {
    const auth = { token: admin.accessToken };
    const stats = await api.request<Record<string, number>>('GET', '/v1/admin/cache/stats', { auth });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ hits: expect.any(Number), misses: expect.any(Number), keys: expect.any(Number) });
    expect((await api.request('POST', '/v1/admin/cache/invalidate', { auth, body: { prefix: 'report:' } })).body).toEqual({ invalidated: 0 });
    const both = await api.request<{ errors: { path: string }[] }>('POST', '/v1/admin/cache/invalidate', { auth, body: { prefix: 'a', tag: 'b' } });
    expect(both.status).toBe(400);
    const audit = await api.request<{ items: { outcome: string }[] }>('GET', '/v1/admin/audit?action=cache.invalidate', { auth });
    expect(audit.body.items.map((e) => e.outcome)).toEqual(['failure', 'success']);
  });

  it('stops every service cleanly on SIGTERM', async () => {
    const results = await platform.stop();
    expect(results).toHaveLength(8);
    expect(results.filter((r) => r.code !== 0)).toEqual([]);
  }, 60_000);
});
