import { createServer } from 'node:net';
import { ApiProblemError, CliError, ConnectionError } from '../errors/cli-errors';
import { sendJson, sendProblem, TestGateway } from '../testing';
import { ApiClient } from './api-client';
import { ApiKeyAuthenticator, type Authenticator } from './authenticator';

describe('ApiClient', () => {
  let gateway: TestGateway;

  beforeEach(async () => {
    gateway = await new TestGateway().start();
  });
  afterEach(() => gateway.stop());

  const client = (options: Partial<ConstructorParameters<typeof ApiClient>[1]> = {}) =>
    new ApiClient(gateway.url, { userAgent: 'sluice-cli/test', maxRetryWaitMs: 10, ...options });

  it('sends the API key, a user agent and JSON, and returns the parsed answer', async () => {
    gateway.on('POST /v1/things', (req, res) => sendJson(res, 201, { echoed: JSON.parse(req.body) }));
    const res = await client().withAuthenticator(new ApiKeyAuthenticator('slk_test')).json('POST', '/v1/things', { json: { a: 1 } });
    expect(res).toEqual({ status: 201, body: { echoed: { a: 1 } } });
    const [req] = gateway.requests;
    expect(req.headers['x-api-key']).toBe('slk_test');
    expect(req.headers['user-agent']).toBe('sluice-cli/test');
    expect(req.headers['content-type']).toBe('application/json');
  });

  it('keeps a base path and encodes the query', async () => {
    gateway.on('GET /prefix/v1/tasks', (_req, res) => sendJson(res, 200, { items: [] }));
    await new ApiClient(`${gateway.url}/prefix/`, { userAgent: 'x' }).json('GET', '/v1/tasks', { query: { status: 'A B&C', kind: undefined } });
    expect(gateway.requests[0].path).toBe('/prefix/v1/tasks?status=A+B%26C');
  });

  it('turns a problem+json answer into an ApiProblemError with every field error', async () => {
    gateway.on('PUT /v1/pipelines/x', (_req, res) =>
      res.writeHead(400, { 'content-type': 'application/problem+json' }).end(
        JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'invalid pipeline', errors: [{ path: 'steps.0.id', message: 'bad\u001b[31m id' }], runId: 'r1' }),
      ),
    );
    const error = await client().json('PUT', '/v1/pipelines/x', { text: { body: 'name: x', contentType: 'application/yaml' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblemError);
    const problem = (error as ApiProblemError).problem;
    expect(problem).toEqual({ status: 400, title: 'Bad Request', detail: 'invalid pipeline', errors: [{ path: 'steps.0.id', message: 'bad [31m id' }], extensions: { runId: 'r1' } });
    expect((error as ApiProblemError).message).toBe('Bad Request: invalid pipeline');
    expect((error as ApiProblemError).details).toEqual(['  steps.0.id: bad [31m id']);
    expect(gateway.requests[0].headers['content-type']).toBe('application/yaml');
  });

  it('reports an answer that is not problem+json by its status', async () => {
    gateway.on('GET /v1/me', (_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>'));
    const error = (await client({ maxAttempts: 1 }).json('GET', '/v1/me').catch((e: unknown) => e)) as ApiProblemError;
    expect(error.problem.status).toBe(502);
    expect(error.message).toBe('HTTP 502 Bad Gateway');
  });

  it('retries a GET after 429 as Retry-After says, and gives up after maxAttempts', async () => {
    let calls = 0;
    gateway.on('GET /v1/me', (_req, res) => (++calls < 3 ? sendProblem(res, 429, 'Too Many Requests') : sendJson(res, 200, { ok: true })));
    expect((await client({ maxAttempts: 3 }).json('GET', '/v1/me')).body).toEqual({ ok: true });
    expect(calls).toBe(3);

    calls = 0;
    await expect(client({ maxAttempts: 2 }).json('GET', '/v1/me')).rejects.toMatchObject({ status: 429 });
    expect(calls).toBe(2);
  });

  it('does not repeat a POST without an Idempotency-Key, and repeats one with it', async () => {
    let calls = 0;
    gateway.on('POST /v1/scrape-jobs', (_req, res) => (++calls === 1 ? sendProblem(res, 503, 'Service Unavailable') : sendJson(res, 202, { taskId: 't' })));
    await expect(client().json('POST', '/v1/scrape-jobs', { json: {} })).rejects.toMatchObject({ status: 503 });
    expect(calls).toBe(1);

    calls = 0;
    const res = await client().json('POST', '/v1/scrape-jobs', { json: {}, headers: { 'idempotency-key': 'k1' } });
    expect(res.status).toBe(202);
    expect(gateway.requestsTo('POST /v1/scrape-jobs').slice(-2).map((r) => r.headers['idempotency-key'])).toEqual(['k1', 'k1']);
  });

  it('asks the authenticator for fresh credentials once when a request is refused with 401', async () => {
    const seen: (string | undefined)[] = [];
    gateway.on('GET /v1/me', (req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization === 'Bearer new') sendJson(res, 200, { ok: true });
      else sendProblem(res, 401, 'Unauthorized');
    });
    let refreshes = 0;
    const auth: Authenticator = {
      canRefresh: true,
      headers: async (options) => {
        if (options?.forceRefresh) refreshes++;
        return { authorization: refreshes > 0 ? 'Bearer new' : 'Bearer old' };
      },
    };
    expect((await client().withAuthenticator(auth).json('GET', '/v1/me')).body).toEqual({ ok: true });
    expect(seen).toEqual(['Bearer old', 'Bearer new']);
    expect(refreshes).toBe(1);
  });

  it('reports a server that is not there as a ConnectionError naming the URL', async () => {
    const port = await closedPort();
    const error = await new ApiClient(`http://127.0.0.1:${port}`, { userAgent: 'x' }).json('GET', '/v1/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot reach http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });

  it('gives up on a server that does not answer within the timeout', async () => {
    gateway.on('GET /v1/me', () => undefined);
    const error = await client({ timeoutMs: 200 }).json('GET', '/v1/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain('no answer within 0.2 s');
  });

  it('refuses a 2xx answer that is not JSON with a clear error', async () => {
    gateway.on('GET /v1/me', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    const error = await client().json('GET', '/v1/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe('the server answered 200 with a body that is not JSON');
  });
});

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
