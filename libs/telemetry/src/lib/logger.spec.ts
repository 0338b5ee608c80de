import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })] });

  beforeAll(() => context.setGlobalContextManager(contextManager));
  afterAll(() => {
    context.disable();
    return provider.shutdown();
  });

  it('writes JSON with the service, level label and the active span ids', () => {
    const { lines, stream } = capture();
    const logger = createLogger('scheduler', 'info', stream);
    const span = provider.getTracer('test').startSpan('work');
    context.with(trace.setSpan(context.active(), span), () => logger.info('inside'));
    logger.info('outside');
    span.end();

    expect(lines[0]).toMatchObject({
      service: 'scheduler',
      level: 'info',
      msg: 'inside',
      trace_id: span.spanContext().traceId,
      span_id: span.spanContext().spanId,
    });
    expect(lines[1]).not.toHaveProperty('trace_id');
  });

  it('redacts secrets in logged objects', () => {
    const { lines, stream } = capture();
    createLogger('gateway', 'info', stream).info({ user: { password: 'hunter2', token: 't0k' } }, 'login');
    expect(lines[0].user).toEqual({ password: '[redacted]', token: '[redacted]' });
  });

  it('drops lines below its level', () => {
    const { lines, stream } = capture();
    createLogger('cache', 'warn', stream).info('quiet');
    expect(lines).toHaveLength(0);
  });
});
