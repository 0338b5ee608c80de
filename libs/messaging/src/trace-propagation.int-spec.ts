import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { closeNats, connectNats, ensureStreams, JetStreamPublisher, startConsumer, type NatsConnection, type RunningConsumer, type Topology } from './index';
import { eventually, isolatedTopology, removeTopology } from './testing';

describe('trace context across JetStream (real NATS)', () => {
  jest.setTimeout(20_000);
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  let nc: NatsConnection;
  let topology: Topology;
  let running: RunningConsumer | undefined;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    nc = await connectNats({ url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'messaging-int-trace' });
    topology = isolatedTopology();
    await ensureStreams(nc, topology);
  });
  afterAll(async () => {
    await running?.stop();
    await removeTopology(nc, topology);
    await closeNats(nc);
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('makes the process span a child of the publish span, in one trace', async () => {
    const subject = topology.subject('jobs.traced');
    const activeInHandler: string[] = [];
    const traceparents: string[] = [];
    running = await startConsumer(nc, {
      topology,
      stream: topology.jobs.name,
      durable: 'traced',
      filterSubject: subject,
      pullExpiresMs: 1_000,
      handler: (_payload, ctx) => {
        activeInHandler.push(trace.getActiveSpan()?.spanContext().spanId ?? 'none');
        traceparents.push(ctx.headers?.get('traceparent') ?? 'none');
      },
    });

    await new JetStreamPublisher(nc).publish(subject, { traced: true }, { msgId: 'traced-1' });

    const process = await eventually(
      () => exporter.getFinishedSpans().find((s) => s.name === `process ${subject}`),
      5_000,
      'the process span',
    );
    const publish = exporter.getFinishedSpans().find((s) => s.name === `publish ${subject}`);
    expect(publish?.kind).toBe(SpanKind.PRODUCER);
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(process.spanContext().traceId).toBe(publish?.spanContext().traceId);
    expect(process.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
    expect(traceparents[0]).toBe(`00-${publish?.spanContext().traceId}-${publish?.spanContext().spanId}-01`);
    expect(activeInHandler).toEqual([process.spanContext().spanId]);
    expect(publish?.attributes).toMatchObject({ 'messaging.destination.name': subject, 'messaging.message.id': 'traced-1' });
  });

  it('continues the trace the publisher was already in', async () => {
    const subject = topology.subject('jobs.traced');
    const parent = provider.getTracer('test').startSpan('http request');
    await context.with(trace.setSpan(context.active(), parent), () => new JetStreamPublisher(nc).publish(subject, { traced: 2 }));
    parent.end();

    const publish = exporter.getFinishedSpans().find((s) => s.name === `publish ${subject}` && s.parentSpanContext?.spanId === parent.spanContext().spanId);
    expect(publish?.spanContext().traceId).toBe(parent.spanContext().traceId);
    const process = await eventually(
      () => exporter.getFinishedSpans().find((s) => s.name === `process ${subject}` && s.parentSpanContext?.spanId === publish?.spanContext().spanId),
      5_000,
      'the second process span',
    );
    expect(process.spanContext().traceId).toBe(parent.spanContext().traceId);
  });
});
