import { headers } from '@nats-io/transport-node';
import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { extractTraceContext, injectTraceContext } from './trace-headers';

describe('trace headers', () => {
  beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
  afterAll(() => propagation.disable());

  const spanContext = {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    traceState: undefined,
  };

  it('writes traceparent into NATS headers and reads the same span context back', () => {
    const hdrs = injectTraceContext(headers(), trace.setSpanContext(ROOT_CONTEXT, spanContext));
    expect(hdrs.get('traceparent')).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');

    const extracted = trace.getSpanContext(extractTraceContext(hdrs, ROOT_CONTEXT));
    expect(extracted).toMatchObject({ traceId: spanContext.traceId, spanId: spanContext.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
  });

  it('carries tracestate alongside traceparent', () => {
    const hdrs = headers();
    hdrs.set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    hdrs.set('tracestate', 'vendor=value');
    const roundTrip = injectTraceContext(headers(), extractTraceContext(hdrs, ROOT_CONTEXT));
    expect(roundTrip.get('tracestate')).toBe('vendor=value');
  });

  it('finds trace headers whatever their case', () => {
    const hdrs = headers();
    hdrs.set('Traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00');
    expect(trace.getSpanContext(extractTraceContext(hdrs, ROOT_CONTEXT))?.traceId).toBe(spanContext.traceId);
  });

  it('leaves the base context untouched when a message has no headers', () => {
    expect(trace.getSpanContext(extractTraceContext(undefined, ROOT_CONTEXT))).toBeUndefined();
  });

  it('injects nothing when there is no active span', () => {
    const hdrs = context.with(ROOT_CONTEXT, () => injectTraceContext(headers()));
    expect(hdrs.has('traceparent')).toBe(false);
  });
});
