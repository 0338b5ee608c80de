import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, type Session } from './support/api-client';
import { startFixtureSite, type FixtureSite } from './support/fixture-site';
import { createIsolatedEnv, type IsolatedEnv } from './support/isolated-env';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { eventually, startPlatform, type Platform } from './support/platform';
import { provideSeattleWeather, SEATTLE_WEATHER_LOAD_STEP } from './support/seattle-weather';

jest.setTimeout(120_000);

const SCHEDULER = 'sluice.scheduler.v1.SchedulerService';
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CONSUMER = 5;

const PIPELINE = `
name: traced
steps:
${SEATTLE_WEATHER_LOAD_STEP}  - id: check
    kind: dq
    input: load
    checks:
      - { type: not_null, column: date, severity: error }
  - id: summary
    kind: transform
    inputs: [load]
    dependsOn: [check]
    sql: "select weather, count(*) as days from {{ ref('load') }} group by weather"
    output: { table: traced_summary, mode: replace }
`;

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition. */
function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The sum of the samples of `name` whose labels include `labels` (0 when there are none). */
const total = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

/** The spans of one trace, checked to form one tree: every span but the root has its parent in the trace. */
function connectedTrace(spans: ReceivedSpan[], traceId: string): ReceivedSpan[] {
  const trace = spans.filter((s) => s.traceId === traceId);
  const ids = new Set(trace.map((s) => s.spanId));
  const roots = trace.filter((s) => !s.parentSpanId);
  expect(roots.map((s) => `${s.service} ${s.name}`)).toHaveLength(1);
  expect(trace.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId)).map((s) => `${s.service} ${s.name}`)).toEqual([]);
  return trace;
}

const isPostgresSpan = (s: ReceivedSpan) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql';

describe('observability: RED metrics, consumer lag, span attributes and one trace per crawl and per pipeline run', () => {
  let isolated: IsolatedEnv;
  let platform: Platform;
  let site: FixtureSite;
  let api: ApiClient;
  let admin: Session;
  const receiver = new OtlpReceiver();
  const fileRoot = mkdtempSync(join(tmpdir(), 'sluice-observability-'));

  const scrape = async (service: string): Promise<Sample[]> => {
    const res = await fetch(`${platform.url(service)}/metrics`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    return parseExposition(await res.text());
  };

  beforeAll(async () => {
    isolated = await createIsolatedEnv();
    site = await startFixtureSite({ plain: true, sections: 1, itemsPerSection: 3 });
    const otlp = await receiver.start();
    platform = await startPlatform('observability', {
      portOffset: 2400,
      only: ['gateway', 'scheduler', 'scraper', 'orchestrator', 'ingest', 'data-quality', 'transform'],
      env: {
        ...isolated.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        RATE_LIMIT_PER_MINUTE: '5000',
        SCRAPER_FETCH_ALLOWLIST: '127.0.0.1/32',
        SCRAPER_CONTACT_URL: 'https://ops.example.org/crawler',
        SLUICE_INGEST_FILE_ROOT: fileRoot,
      },
    });
    api = new ApiClient(platform.url('gateway'));
    admin = await api.signup('observability');
    provideSeattleWeather(fileRoot, admin.organization.id);
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    await receiver.stop();
    await site?.close();
    await isolated?.dispose();
    rmSync(fileRoot, { recursive: true, force: true });
  }, 60_000);

  it('counts REST requests by route template, and the RPCs behind them on both sides', async () => {
    const auth = { token: admin.accessToken };
    const [gatewayBefore, schedulerBefore] = [await scrape('gateway'), await scrape('scheduler')];
    for (let i = 0; i < 3; i++) expect((await api.request('GET', `/v1/tasks/${randomUUID()}`, { auth })).status).toBe(404);
    expect((await api.request('GET', `/v1/no-such-route/${randomUUID()}`, { auth })).status).toBe(404);
    const [gateway, scheduler] = [await scrape('gateway'), await scrape('scheduler')];
    const delta = (after: Sample[], before: Sample[], name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);

    expect(delta(gateway, gatewayBefore, 'http_server_requests_total', { method: 'GET', route: '/v1/tasks/:id', status_code: '404' })).toBe(3);
    expect(delta(gateway, gatewayBefore, 'http_server_requests_total', { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
    expect(delta(gateway, gatewayBefore, 'http_server_request_duration_seconds_count', { method: 'GET', route: '/v1/tasks/:id' })).toBe(3);
    // bounded label values: no URL with an id in it ever becomes a label
    expect(gateway.filter((s) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(s.labels.route ?? ''))).toEqual([]);
    expect(delta(gateway, gatewayBefore, 'grpc_client_handled_total', { service: SCHEDULER, method: 'GetTask', code: 'NOT_FOUND' })).toBe(3);
    expect(delta(scheduler, schedulerBefore, 'grpc_server_handled_total', { service: SCHEDULER, method: 'GetTask', code: 'NOT_FOUND' })).toBe(3);
    expect(delta(scheduler, schedulerBefore, 'grpc_server_handling_seconds_count', { service: SCHEDULER, method: 'GetTask' })).toBe(3);
  });

  it('reports the lag of every durable consumer, read from NATS on each scrape', async () => {
    const consumers = { scheduler: 'scheduler-task-events', scraper: 'scraper', orchestrator: 'orchestrator-step-events', ingest: 'ingest-worker', 'data-quality': 'dq-worker', transform: 'transform-worker' };
    for (const [service, consumer] of Object.entries(consumers)) {
      const samples = await eventually(
        () => scrape(service),
        (all) => all.some((s) => s.name === 'jetstream_consumer_pending' && s.labels.consumer === consumer),
      );
      for (const gauge of ['jetstream_consumer_pending', 'jetstream_consumer_ack_pending', 'jetstream_consumer_redelivered']) {
        expect({ service, gauge, present: samples.some((s) => s.name === gauge && s.labels.consumer === consumer && s.labels.stream.startsWith(isolated.id.toUpperCase())) }).toEqual({ service, gauge, present: true });
      }
    }
  });

  it("puts the caller's tenant on the gateway's request span and on the scheduler's RPC span", async () => {
    expect((await api.request('GET', `/v1/tasks/${randomUUID()}`, { auth: { token: admin.accessToken } })).status).toBe(404);
    const tenant = admin.organization.id;
    const spans = await receiver.waitFor((all) =>
      all.some((s) => s.service === 'scheduler' && s.kind === SPAN_KIND_SERVER && s.name.endsWith('SchedulerService/GetTask') && s.attributes['sluice.tenant_id'] === tenant),
    );
    const rpc = spans.find((s) => s.service === 'scheduler' && s.kind === SPAN_KIND_SERVER && s.attributes['sluice.tenant_id'] === tenant)!;
    const request = spans.filter((s) => s.traceId === rpc.traceId && s.service === 'gateway' && s.kind === SPAN_KIND_SERVER && !s.parentSpanId);
    expect(request).toHaveLength(1);
    expect(request[0].attributes['sluice.tenant_id']).toBe(tenant);
  });

  it('makes one crawl one connected trace: REST → gRPC → NATS → scraper → PostgreSQL, tagged with tenant and task', async () => {
    const auth = { token: admin.accessToken };
    const created = await api.request<{ taskId: string }>('POST', '/v1/scrape-jobs', { auth, body: { startUrls: [`${site.origin}/`], maxDepth: 1 } });
    expect(created.status).toBe(202);
    const taskId = created.body.taskId;
    const done = await eventually(
      async () => (await api.request<{ status: string }>('GET', `/v1/tasks/${taskId}`, { auth })).body,
      (t) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(t.status),
      90_000,
      500,
    );
    expect(done.status).toBe('SUCCEEDED');

    const consumerOf = (all: ReceivedSpan[]) => all.find((s) => s.service === 'scraper' && s.kind === SPAN_KIND_CONSUMER && s.attributes['sluice.task_id'] === taskId);
    const spans = await receiver.waitFor((all) => {
      const consumer = consumerOf(all);
      return !!consumer && all.some((s) => s.traceId === consumer.traceId && s.service === 'scraper' && isPostgresSpan(s));
    }, 30_000);
    const consumer = consumerOf(spans)!;
    expect(consumer.attributes['sluice.tenant_id']).toBe(admin.organization.id);
    const trace = connectedTrace(spans, consumer.traceId);
    const root = trace.find((s) => !s.parentSpanId)!;
    expect({ service: root.service, kind: root.kind }).toEqual({ service: 'gateway', kind: SPAN_KIND_SERVER });
    expect(trace.some((s) => s.service === 'scheduler' && s.kind === SPAN_KIND_SERVER && s.name.endsWith('SchedulerService/CreateTask'))).toBe(true);
    expect([...new Set(trace.map((s) => s.service))].sort()).toEqual(expect.arrayContaining(['gateway', 'scheduler', 'scraper']));
    expect(trace.some((s) => s.service === 'scraper' && isPostgresSpan(s))).toBe(true);

    const scraper = await scrape('scraper');
    expect(total(scraper, 'sluice_scraper_pages_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('makes one pipeline run one connected trace: REST → gRPC → NATS → ingest, dq and transform workers → PostgreSQL', async () => {
    const auth = { token: admin.accessToken };
    const put = await api.request('PUT', '/v1/pipelines/traced', { auth, body: PIPELINE, headers: { 'content-type': 'application/yaml' } });
    expect(put.status).toBe(200);
    const start = await api.request<{ runId: string }>('POST', '/v1/pipelines/traced/runs', { auth, body: {} });
    expect(start.status).toBe(202);
    const runId = start.body.runId;
    const run = await eventually(
      async () => (await api.request<{ status: string; steps: { id: string; status: string; error?: string }[] }>('GET', `/v1/runs/${runId}`, { auth })).body,
      (view) => ['SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED'].includes(view.status),
      90_000,
      500,
    );
    expect({ status: run.status, steps: run.steps.map((s) => [s.id, s.status, s.error]) }).toEqual({
      status: 'SUCCEEDED',
      steps: [
        ['load', 'SUCCEEDED', undefined],
        ['check', 'SUCCEEDED', undefined],
        ['summary', 'SUCCEEDED', undefined],
      ],
    });

    const workers = ['ingest', 'data-quality', 'transform'];
    const stepSpans = (all: ReceivedSpan[]) => all.filter((s) => s.kind === SPAN_KIND_CONSUMER && workers.includes(s.service) && s.attributes['sluice.run_id'] === runId);
    const spans = await receiver.waitFor((all) => new Set(stepSpans(all).map((s) => s.service)).size === 3, 30_000);
    const steps = stepSpans(spans);
    expect(new Set(steps.map((s) => s.traceId)).size).toBe(1);
    expect(Object.fromEntries(steps.map((s) => [s.service, s.attributes['sluice.step_id']]))).toEqual({ ingest: 'load', 'data-quality': 'check', transform: 'summary' });
    expect(steps.every((s) => s.attributes['sluice.tenant_id'] === admin.organization.id)).toBe(true);

    const traceId = steps[0].traceId;
    await receiver.waitFor((all) => workers.every((w) => all.some((s) => s.traceId === traceId && s.service === w && isPostgresSpan(s))), 30_000);
    const trace = connectedTrace(receiver.spans, traceId);
    const root = trace.find((s) => !s.parentSpanId)!;
    expect({ service: root.service, kind: root.kind }).toEqual({ service: 'gateway', kind: SPAN_KIND_SERVER });
    expect(trace.some((s) => s.service === 'orchestrator' && s.kind === SPAN_KIND_SERVER)).toBe(true);

    expect(total(await scrape('ingest'), 'sluice_pipeline_rows_total', { kind: 'ingest', direction: 'in' })).toBeGreaterThan(1000);
    expect(total(await scrape('transform'), 'sluice_pipeline_rows_total', { kind: 'transform', direction: 'out' })).toBeGreaterThanOrEqual(1);
  });
});
