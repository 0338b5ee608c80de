import { RedisLock } from '@sluice/lock';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { ApiClient } from './support/api-client';
import { createIsolatedEnv, type IsolatedEnv } from './support/isolated-env';
import { startPlatform, type Platform } from './support/platform';

// Tasks here are about auth, not crawling: a loopback target the scraper's SSRF guard refuses, so no
// request ever leaves the machine.
const TARGET = 'http://localhost:9/';

jest.setTimeout(60_000);

type Problem = { type: string; title: string; status: number; detail?: string; errors?: { path: string; message: string }[] };

describe('the gateway: tenants, tokens, API keys, roles and audit', () => {
  let isolated: IsolatedEnv;
  let platform: Platform;
  let api: ApiClient;
  let db: Client;

  beforeAll(async () => {
    isolated = await createIsolatedEnv();
    platform = await startPlatform('auth', {
      portOffset: 1300,
      only: ['gateway', 'scheduler', 'scraper'],
      env: { ...isolated.env, API_KEY_ROTATION_GRACE_SECONDS: '2', ACCESS_TOKEN_TTL_SECONDS: '60', RATE_LIMIT_PER_MINUTE: '200', LOGIN_ATTEMPTS_PER_ACCOUNT: '5' },
    });
    api = new ApiClient(platform.url('gateway'));
    db = new Client({ connectionString: isolated.databaseUrl });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await platform?.stop();
    await isolated?.dispose();
  }, 60_000);

  const counts = async () => {
    const { rows } = await db.query<{ orgs: string; users: string; keys: string; tokens: string }>(
      'SELECT (SELECT count(*) FROM auth.organizations) orgs, (SELECT count(*) FROM auth.users) users, (SELECT count(*) FROM auth.api_keys) keys, (SELECT count(*) FROM auth.refresh_tokens) tokens',
    );
    return rows[0];
  };

  it('signs up, logs in, rotates refresh tokens, detects reuse by revoking the family, and logs out', async () => {
    const session = await api.signup('flow');
    expect(session.user.role).toBe('admin');
    const me = await api.request('GET', '/v1/me', { auth: { token: session.accessToken } });
    expect(me.body).toMatchObject({ role: 'admin', organization: { id: session.organization.id } });

    const login = await api.request<{ accessToken: string; refreshToken: string; expiresIn: number }>('POST', '/v1/auth/login', {
      body: { email: session.user.email, password: 'correct horse battery staple' },
    });
    expect(login.status).toBe(200);
    expect(login.body.expiresIn).toBe(60);

    const rotated = await api.request<{ refreshToken: string }>('POST', '/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(login.body.refreshToken);

    const reused = await api.request<Problem>('POST', '/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(reused.status).toBe(401);
    expect(reused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    // the family is gone: the newest token of that login no longer works either
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } })).status).toBe(401);

    expect((await api.request('POST', '/v1/auth/logout', { body: { refreshToken: session.refreshToken } })).status).toBe(204);
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);

    const wrong = await api.request<Problem>('POST', '/v1/auth/login', { body: { email: session.user.email, password: 'not the password' } });
    expect(wrong.status).toBe(401);

    const audit = await api.request<{ items: { action: string; outcome: string }[] }>('GET', '/v1/admin/audit', { auth: { token: login.body.accessToken } });
    const actions = audit.body.items.map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['auth.signup:success', 'auth.login:success', 'auth.refresh_reuse:denied', 'auth.logout:success']));
  });

  it('creates an API key shown once, uses it, rotates it with a grace period, then deletes it', async () => {
    const admin = await api.signup('keys');
    const auth = { token: admin.accessToken };
    const created = await api.request<{ id: string; key: string; prefix: string }>('POST', '/v1/api-keys', { auth, body: { name: 'ci' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^slk_/);
    const listed = await api.request<{ items: Record<string, unknown>[] }>('GET', '/v1/api-keys', { auth });
    expect(listed.body.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

    expect((await api.request('GET', '/v1/me', { auth: { apiKey: created.body.key } })).body).toMatchObject({ role: 'member' });

    const rotated = await api.request<{ id: string; key: string }>('POST', `/v1/api-keys/${created.body.id}/rotate`, { auth, body: {} });
    expect(rotated.status).toBe(201);
    expect((await api.request('GET', '/v1/me', { auth: { apiKey: created.body.key } })).status).toBe(200);
    expect((await api.request('GET', '/v1/me', { auth: { apiKey: rotated.body.key } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_200));
    expect((await api.request('GET', '/v1/me', { auth: { apiKey: created.body.key } })).status).toBe(401);
    expect((await api.request('GET', '/v1/me', { auth: { apiKey: rotated.body.key } })).status).toBe(200);

    expect((await api.request('DELETE', `/v1/api-keys/${rotated.body.id}`, { auth })).status).toBe(204);
    expect((await api.request('GET', '/v1/me', { auth: { apiKey: rotated.body.key } })).status).toBe(401);

    const audit = await api.request<{ items: { action: string }[] }>('GET', '/v1/admin/audit?action=api_key.rotate', { auth });
    expect(audit.body.items).toHaveLength(1);
  });

  it('shows an admin the tenant\'s held locks only, and force-releases one (audited) so its holder loses it', async () => {
    const a = await api.signup('locks-a');
    const b = await api.signup('locks-b');
    const redis = new Redis(process.env.REDIS_URL!);
    const warnings: string[] = [];
    const locks = new RedisLock({ redis, prefix: isolated.env.SLUICE_REDIS_PREFIX, logger: { warn: (_f, m) => warnings.push(m), error: (_f, m) => warnings.push(m) } });
    try {
      const held = await locks.acquire(`tenant:${a.organization.id}:pipeline:daily`, { ttlMs: 1_000, autoExtend: true });
      const listed = await api.request<{ items: { name: string; fence: number; ttlMs: number }[] }>('GET', '/v1/admin/locks', { auth: { token: a.accessToken } });
      expect(listed.body.items).toEqual([expect.objectContaining({ name: 'pipeline:daily', fence: held.fence })]);
      expect((await api.request<{ items: unknown[] }>('GET', '/v1/admin/locks', { auth: { token: b.accessToken } })).body.items).toEqual([]);
      expect((await api.request('DELETE', '/v1/admin/locks/pipeline:daily', { auth: { token: b.accessToken } })).status).toBe(404);
      expect((await api.request('DELETE', '/v1/admin/locks/pipeline:daily', { auth: { token: a.accessToken } })).status).toBe(204);
      await new Promise<void>((resolve) => (held.signal.aborted ? resolve() : held.signal.addEventListener('abort', () => resolve())));
      expect(held.signal.aborted).toBe(true);
      expect(warnings).toContain('lock lost while held');
      const audit = await api.request<{ items: { target: string; outcome: string }[] }>('GET', '/v1/admin/audit?action=lock.force_release', { auth: { token: a.accessToken } });
      expect(audit.body.items).toEqual([expect.objectContaining({ target: 'pipeline:daily', outcome: 'success' })]);
    } finally {
      await redis.quit();
    }
  });

  it('pages lists with limit and an opaque cursor', async () => {
    const admin = await api.signup('pages');
    const auth = { token: admin.accessToken };
    for (const name of ['k1', 'k2', 'k3']) await api.request('POST', '/v1/api-keys', { auth, body: { name } });
    const first = await api.request<{ items: { name: string }[]; nextCursor: string | null }>('GET', '/v1/api-keys?limit=2', { auth });
    expect(first.body.items.map((k) => k.name)).toEqual(['k1', 'k2']);
    const second = await api.request<{ items: { name: string }[]; nextCursor: string | null }>('GET', `/v1/api-keys?limit=2&cursor=${first.body.nextCursor}`, { auth });
    expect(second.body).toEqual({ items: [expect.objectContaining({ name: 'k3' })], nextCursor: null });
    for (const bad of ['limit=0', 'limit=501', 'cursor=not-ours', 'sort=name']) {
      expect((await api.request('GET', `/v1/api-keys?${bad}`, { auth })).status).toBe(400);
    }
  });

  it('keeps tenants apart (404), keeps members out of admin routes (403), and audits every denial', async () => {
    const a = await api.signup('tenant-a');
    const b = await api.signup('tenant-b');
    const asA = { token: a.accessToken };
    const asB = { token: b.accessToken };

    const task = await api.request<{ taskId: string }>('POST', '/v1/scrape-jobs', { auth: asA, body: { startUrls: [TARGET] } });
    expect(task.status).toBe(202);
    const keyOfA = await api.request<{ id: string }>('POST', '/v1/api-keys', { auth: asA, body: { name: 'a-key' } });

    expect((await api.request('GET', `/v1/tasks/${task.body.taskId}`, { auth: asB })).status).toBe(404);
    expect((await api.request('DELETE', `/v1/api-keys/${keyOfA.body.id}`, { auth: asB })).status).toBe(404);
    expect((await api.request('POST', `/v1/api-keys/${keyOfA.body.id}/rotate`, { auth: asB, body: {} })).status).toBe(404);
    expect((await api.request<{ items: unknown[] }>('GET', '/v1/api-keys', { auth: asB })).body.items).toEqual([]);
    expect((await api.request<{ items: { email: string }[] }>('GET', '/v1/users', { auth: asB })).body.items.map((u) => u.email)).toEqual([b.user.email]);
    expect((await api.request('GET', `/v1/tasks/${task.body.taskId}`, { auth: asA })).status).toBe(200);

    const member = await api.request('POST', '/v1/users', { auth: asA, body: { email: `member-${a.user.id}@example.org`, password: 'member password long', role: 'member' } });
    expect(member.status).toBe(201);
    const memberLogin = await api.request<{ accessToken: string }>('POST', '/v1/auth/login', {
      body: { email: `member-${a.user.id}@example.org`, password: 'member password long' },
    });
    const asMember = { token: memberLogin.body.accessToken };
    for (const [method, path, body] of [
      ['GET', '/v1/users', undefined],
      ['POST', '/v1/users', { email: 'x@example.org', password: 'member password long', role: 'admin' }],
      ['GET', '/v1/status', undefined],
      ['GET', '/v1/admin/audit', undefined],
    ] as const) {
      const res = await api.request<Problem>(method, path, { auth: asMember, body });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    expect((await api.request<Problem>('POST', '/v1/api-keys', { auth: asMember, body: { name: 'x', role: 'admin' } })).status).toBe(403);
    expect((await api.request('GET', '/v1/me', {})).status).toBe(401);

    const auditA = await api.request<{ items: { action: string; outcome: string; actor: { id: string } }[] }>('GET', '/v1/admin/audit?limit=500', { auth: asA });
    const deniedByMember = auditA.body.items.filter((e) => e.outcome === 'denied' && e.actor.id !== a.user.id);
    expect(deniedByMember.length).toBeGreaterThanOrEqual(5);
    const auditB = await api.request<{ items: { action: string; outcome: string }[] }>('GET', '/v1/admin/audit?limit=500', { auth: asB });
    expect(auditB.body.items.filter((e) => e.outcome === 'denied').map((e) => e.action)).toEqual(
      expect.arrayContaining(['api_key.delete', 'api_key.rotate']),
    );
  });

  it('answers hostile input on every route with a 4xx problem+json and changes nothing', async () => {
    const admin = await api.signup('hostile');
    const auth = { token: admin.accessToken };
    const before = await counts();
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const bodies: unknown[] = [
      '{"email": ',
      '[]',
      'null',
      '"just a string"',
      { email: 42, password: ['a'], organization: { x: 1 } },
      {},
      { email: 'a@b.co', password: 'p'.repeat(300), organization: 'o', extra: true },
      { email: 'a\u0000@b.co', password: 'correct horse battery', organization: 'bad\u0007name' },
      { email: '\u202e@example.org', password: '\ud800', organization: '\u0000' },
      { email: 'x@example.org', password: 'correct horse battery', organization: 'o'.repeat(10_000) },
      { name: 'k', role: 'root' },
      { refreshToken: 'x'.repeat(10_000) },
      { startUrls: 'not-an-array' },
      { gracePeriodSeconds: -5 },
      { gracePeriodSeconds: 1e12 },
    ];
    const routes: [string, string][] = [
      ['POST', '/v1/auth/signup'],
      ['POST', '/v1/auth/login'],
      ['POST', '/v1/auth/refresh'],
      ['POST', '/v1/auth/logout'],
      ['POST', '/v1/users'],
      ['POST', '/v1/api-keys'],
      ['POST', '/v1/api-keys/00000000-0000-4000-8000-000000000000/rotate'],
      ['POST', '/v1/scrape-jobs'],
    ];
    const failures: string[] = [];
    const check = async (method: string, path: string, body: unknown, headers?: Record<string, string>) => {
      const res = await api.request<Problem>(method, path, { auth, body, headers });
      const problem = res.headers.get('content-type')?.startsWith('application/problem+json');
      if (res.status >= 500 || res.status < 400 || !problem || typeof res.body?.title !== 'string') {
        failures.push(`${method} ${path} ${JSON.stringify(body).slice(0, 60)} → ${res.status} ${res.headers.get('content-type')}`);
      }
    };
    for (const [method, path] of routes) {
      for (const body of bodies) await check(method, path, body);
      await check(method, path, huge);
      await check(method, path, 'email=a', { 'content-type': 'application/x-www-form-urlencoded' });
      await check(method, path, 'hello', { 'content-type': 'text/plain' });
    }
    for (const path of ['/v1/tasks/not-a-uuid', '/v1/tasks/%00', "/v1/tasks/1'%20OR%201=1", '/v1/admin/audit?limit=-1', '/v1/admin/audit?cursor=%%%', '/v1/admin/audit?bogus=1']) {
      await check('GET', path, undefined);
    }
    expect(failures).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('does the work of an Idempotency-Key request once and replays the first answer', async () => {
    const admin = await api.signup('idem');
    const auth = { token: admin.accessToken };
    const body = { startUrls: ['http://localhost:9/idempotent'] };
    const headers = { 'idempotency-key': 'order-7f3a' };
    const answers = await Promise.all([1, 2, 3].map(() => api.request<{ taskId: string }>('POST', '/v1/scrape-jobs', { auth, body, headers })));
    const created = answers.filter((a) => a.status === 202);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(answers.every((a) => a.status === 202 || a.status === 409)).toBe(true);
    const again = await api.request<{ taskId: string }>('POST', '/v1/scrape-jobs', { auth, body, headers });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(new Set([...created, again].map((a) => a.body.taskId)).size).toBe(1);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM scheduler.tasks WHERE tenant_id = $1', [admin.organization.id]);
    expect(rows[0].n).toBe(1);
    const other = await api.request<Problem>('POST', '/v1/scrape-jobs', { auth, body: { startUrls: ['http://localhost:9/other'] }, headers });
    expect(other.status).toBe(400);
    expect(other.body.errors?.[0].path).toBe('Idempotency-Key');
  });

  it('sends security headers and a request id on every response', async () => {
    const res = await api.request('GET', '/v1/me', {});
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const echoed = await api.request('GET', '/health/live', { headers: { 'x-request-id': 'trace-me-12345' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-me-12345');
  });

  it('limits each tenant with RateLimit headers and answers 429 with Retry-After beyond the limit', async () => {
    const admin = await api.signup('limited');
    const auth = { token: admin.accessToken };
    const first = await api.request('GET', '/v1/me', { auth });
    expect(first.headers.get('ratelimit-policy')).toMatch(/^"tenant";q=200;w=60/);
    expect(first.headers.get('ratelimit')).toMatch(/^"tenant";r=\d+;t=\d+/);
    const started = Date.now();
    const statuses = await Promise.all(Array.from({ length: 260 }, () => api.request<Problem>('GET', '/v1/me', { auth })));
    const refused = statuses.filter((r) => r.status === 429);
    // GCRA: the burst (200, one already spent) plus what the rate (one per 300 ms) refilled meanwhile
    const refilled = Math.ceil((Date.now() - started + 1) / 300);
    expect(statuses.filter((r) => r.status === 200).length).toBeLessThanOrEqual(199 + refilled);
    expect(refused.length).toBeGreaterThanOrEqual(260 - 199 - refilled);
    expect(Number(refused[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused[0].headers.get('content-type')).toMatch(/application\/problem\+json/);
    // another tenant is not affected, and health is never limited
    const other = await api.signup('unaffected');
    expect((await api.request('GET', '/v1/me', { auth: { token: other.accessToken } })).status).toBe(200);
    expect((await api.request('GET', '/health/live')).headers.get('ratelimit')).toBeNull();
  });

  it('throttles login attempts per account', async () => {
    const victim = await api.signup('victim');
    const attempts = [];
    for (let i = 0; i < 7; i++) attempts.push((await api.request('POST', '/v1/auth/login', { body: { email: victim.user.email, password: 'guess-' + i } })).status);
    expect(attempts.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(attempts.slice(5)).toEqual([429, 429]);
  });

  it('answers 503 problem+json at once while the scheduler is down, and records the breaker', async () => {
    const admin = await api.signup('outage');
    await platform.kill('scheduler', 'SIGKILL');
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await api.request<Problem>('POST', '/v1/scrape-jobs', { auth: { token: admin.accessToken }, body: { startUrls: [TARGET] } });
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      statuses.push(res.status);
    }
    expect(new Set(statuses)).toEqual(new Set([503]));
    const metrics = await (await fetch(`${platform.url('gateway')}/metrics`)).text();
    expect(metrics).toMatch(/sluice_circuit_breaker_state\{[^}]*breaker="upstream.scheduler"[^}]*\} 2/);
    expect(metrics).toMatch(/sluice_circuit_breaker_calls_total\{[^}]*breaker="upstream.scheduler"[^}]*outcome="rejected"[^}]*\} [1-9]/);
  });

  it('documents every route of API.md that exists so far', async () => {
    const { body } = await api.request<{ paths: Record<string, Record<string, unknown>> }>('GET', '/docs/openapi.json');
    const routes = Object.entries(body.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /v1/auth/signup',
        'POST /v1/auth/login',
        'POST /v1/auth/refresh',
        'POST /v1/auth/logout',
        'GET /v1/me',
        'POST /v1/users',
        'GET /v1/users',
        'POST /v1/api-keys',
        'GET /v1/api-keys',
        'DELETE /v1/api-keys/{id}',
        'POST /v1/api-keys/{id}/rotate',
        'GET /v1/admin/audit',
        'GET /v1/status',
        'POST /v1/scrape-jobs',
        'GET /v1/tasks/{id}',
        'GET /health/live',
        'GET /health/ready',
      ]),
    );
  });
});
