import { context, propagation, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { Match, type MsgHdrs } from '@nats-io/transport-node';

/** Writes propagation fields (`traceparent`, `tracestate`, baggage...) into NATS message headers. */
export const natsHeadersSetter: TextMapSetter<MsgHdrs> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

/** Reads propagation fields from NATS headers; names match case-insensitively, as HTTP headers do. */
export const natsHeadersGetter: TextMapGetter<MsgHdrs | undefined> = {
  get(carrier, key) {
    if (!carrier?.has(key, Match.IgnoreCase)) return undefined;
    return carrier.get(key, Match.IgnoreCase);
  },
  keys(carrier) {
    return carrier ? carrier.keys() : [];
  },
};

/** Puts the trace context of `ctx` (default: the active one) into `headers` with the global propagator. */
export function injectTraceContext(headers: MsgHdrs, ctx: Context = context.active()): MsgHdrs {
  propagation.inject(ctx, headers, natsHeadersSetter);
  return headers;
}

/** The context carried by a message's headers, on top of `base` (default: the active one). */
export function extractTraceContext(headers: MsgHdrs | undefined, base: Context = context.active()): Context {
  return propagation.extract(base, headers, natsHeadersGetter);
}
