// Test fixtures for the CLI's own tests: a local HTTP server standing in for the gateway, and an
// in-memory CliContext. Not part of the build.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { CliConfig } from '@sluice/config';
import type { CliContext, OutputStream } from './cli-context';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => unknown;

/** A local HTTP server on 127.0.0.1 with handlers by `METHOD /path`; it records every request. */
export class TestGateway {
  readonly requests: RecordedRequest[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly server: Server;
  private readonly open = new Set<ServerResponse>();

  constructor() {
    this.server = createServer((req, res) => void this.dispatch(req, res));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  on(route: string, handler: Handler): this {
    this.handlers.set(route, handler);
    return this;
  }

  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((r) => `${r.method} ${r.path.split('?')[0]}` === route);
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    this.requests.push(recorded);
    const handler = this.handlers.get(`${recorded.method} ${recorded.path.split('?')[0]}`);
    if (!handler) return sendProblem(res, 404, 'Not Found', `no route ${recorded.method} ${recorded.path}`);
    await handler(recorded, res);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export function sendProblem(res: ServerResponse, status: number, title: string, detail?: string, extra: Record<string, unknown> = {}): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }));
}

export interface SseFrame {
  readonly id?: string;
  readonly event?: string;
  readonly data: unknown;
}

export function openSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  res.flushHeaders();
}

export function writeSse(res: ServerResponse, frame: SseFrame): void {
  const lines = [frame.id !== undefined ? `id: ${frame.id}` : '', frame.event ? `event: ${frame.event}` : '', `data: ${JSON.stringify(frame.data)}`];
  res.write(`${lines.filter(Boolean).join('\n')}\n\n`);
}

/** Collects what the CLI writes. */
export class BufferOutput implements OutputStream {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns?: number,
  ) {}
  write(text: string): boolean {
    this.text += text;
    return true;
  }
  get lines(): string[] {
    return this.text.split('\n').filter((l) => l.length > 0);
  }
}

export interface TestContext extends CliContext {
  readonly stdout: BufferOutput;
  readonly stderr: BufferOutput;
  readonly stdin: PassThrough;
}

/** A CliContext writing to buffers, with this configuration unless overridden. */
export function testContext(config: CliConfig, overrides: Partial<TestContext> = {}): TestContext {
  const stdin = new PassThrough();
  stdin.end();
  return {
    stdout: new BufferOutput(),
    stderr: new BufferOutput(),
    stdin,
    version: '0.0.0-test',
    config: () => config,
    now: Date.now,
    streamTiming: { reconnectDelayMs: 20, idleTimeoutMs: 5_000, maxReconnects: 3 },
    ...overrides,
  };
}
