import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { setSluiceSpanAttributes, sluiceIdsOf } from './span-attributes';

describe('sluice span attributes', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('test');

  beforeAll(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
  afterEach(() => exporter.reset());
  afterAll(() => {
    context.disable();
    return provider.shutdown();
  });

  it('sets tenant, task, run and step ids on the active span under the sluice.* names', () => {
    tracer.startActiveSpan('work', (span) => {
      setSluiceSpanAttributes({ tenantId: 't-1', taskId: 'task-1', runId: 'run-1', stepId: 'load_orders' });
      span.end();
    });
    expect(exporter.getFinishedSpans()[0].attributes).toEqual({
      'sluice.tenant_id': 't-1',
      'sluice.task_id': 'task-1',
      'sluice.run_id': 'run-1',
      'sluice.step_id': 'load_orders',
    });
  });

  it('sets only the ids given, and nothing for empty or oversized values', () => {
    tracer.startActiveSpan('work', (span) => {
      setSluiceSpanAttributes({ tenantId: 't-1', taskId: '', runId: 'x'.repeat(500) });
      span.end();
    });
    expect(exporter.getFinishedSpans()[0].attributes).toEqual({ 'sluice.tenant_id': 't-1' });
  });

  it('sets them on the span it is given rather than the active one', () => {
    const explicit = tracer.startSpan('explicit');
    tracer.startActiveSpan('active', (active) => {
      setSluiceSpanAttributes({ runId: 'run-2' }, explicit);
      active.end();
    });
    explicit.end();
    const byName = Object.fromEntries(exporter.getFinishedSpans().map((s) => [s.name, s.attributes]));
    expect(byName.explicit).toEqual({ 'sluice.run_id': 'run-2' });
    expect(byName.active).toEqual({});
  });

  it('does nothing outside a span', () => {
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(() => setSluiceSpanAttributes({ tenantId: 't-1' })).not.toThrow();
  });

  it('picks the ids a message payload carries and ignores everything else', () => {
    expect(sluiceIdsOf({ runId: 'r', stepId: 's', tenantId: 't', attempt: 2, url: 'https://example.org' })).toEqual({ runId: 'r', stepId: 's', tenantId: 't' });
    expect(sluiceIdsOf({ taskId: 42 })).toEqual({});
    expect(sluiceIdsOf(null)).toEqual({});
    expect(sluiceIdsOf('text')).toEqual({});
  });
});
