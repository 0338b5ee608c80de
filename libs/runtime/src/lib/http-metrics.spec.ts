import { Body, Controller, Get, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NotFoundError } from '@sluice/contracts';
import { Registry } from 'prom-client';
import { installHttpMetrics } from './http-metrics';
import { TransportExceptionFilter } from './transport-exception.filter';

@Controller('v1/things')
class ThingsController {
  @Get(':id')
  get(@Param('id') id: string) {
    if (id === 'missing') throw new NotFoundError('no such thing');
    if (id === 'broken') throw new Error('unexpected');
    return { id };
  }

  @Post()
  create(@Body() body: unknown) {
    return { created: body };
  }
}

@Controller('health')
class ProbeController {
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

type Series = { labels: Record<string, string | number>; value: number; metricName?: string };

async function series(registry: Registry, name: string): Promise<Series[]> {
  const metric = registry.getSingleMetric(name);
  return metric ? ((await metric.get()).values as Series[]) : [];
}

describe('HTTP RED metrics', () => {
  const registry = new Registry();
  let app: INestApplication;
  let base = '';

  beforeAll(async () => {
    @Module({ controllers: [ThingsController, ProbeController] })
    class TestModule {}
    const nest = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), { logger: false });
    installHttpMetrics(nest.getHttpAdapter().getInstance(), registry);
    nest.useGlobalFilters(new TransportExceptionFilter());
    await nest.listen(0, '127.0.0.1');
    app = nest;
    base = await nest.getUrl();
  });

  afterAll(() => app?.close());

  it('labels requests by route template and status code, never by the raw URL', async () => {
    for (const id of ['a1', 'b2', 'c3']) expect((await fetch(`${base}/v1/things/${id}`)).status).toBe(200);
    expect((await fetch(`${base}/v1/things/missing`)).status).toBe(404);
    expect((await fetch(`${base}/v1/things/broken`)).status).toBe(500);

    const requests = await series(registry, 'http_server_requests_total');
    const route = '/v1/things/:id';
    expect(requests.filter((s) => s.labels.route === route).map((s) => [s.labels.method, s.labels.status_code, s.value]).sort()).toEqual([
      ['GET', '200', 3],
      ['GET', '404', 1],
      ['GET', '500', 1],
    ]);
    expect(requests.map((s) => String(s.labels.route))).not.toContainEqual(expect.stringContaining('a1'));
    const durations = (await series(registry, 'http_server_request_duration_seconds')).filter((s) => s.metricName === 'http_server_request_duration_seconds_count');
    expect(durations.find((s) => s.labels.route === route && s.labels.method === 'GET')?.value).toBe(5);
  });

  it('puts every URL that matched no route under route="unmatched"', async () => {
    expect((await fetch(`${base}/wp-admin/install.php`)).status).toBe(404);
    expect((await fetch(`${base}/v1/unknown/${Date.now()}`)).status).toBe(404);
    const requests = await series(registry, 'http_server_requests_total');
    expect(requests.find((s) => s.labels.route === 'unmatched' && s.labels.status_code === '404')?.value).toBe(2);
    expect(requests.map((s) => String(s.labels.route))).not.toContainEqual(expect.stringContaining('wp-admin'));
  });

  it('counts a body Fastify rejects under its route', async () => {
    const bad = await fetch(`${base}/v1/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"oops' });
    expect(bad.status).toBe(400);
    const requests = await series(registry, 'http_server_requests_total');
    expect(requests.find((s) => s.labels.route === '/v1/things' && s.labels.method === 'POST')?.labels.status_code).toBe('400');
  });

  it('leaves probes out of the figures', async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const requests = await series(registry, 'http_server_requests_total');
    expect(requests.map((s) => s.labels.route)).not.toContain('/health/live');
  });
});
