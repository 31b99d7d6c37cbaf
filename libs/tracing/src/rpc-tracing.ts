import { context, propagation, ROOT_CONTEXT, SpanKind, trace, type Context, type Span } from '@opentelemetry/api';
import { recordSpanFailure } from './span-errors';
import { tracingOn } from './start-tracing';

/** `rpc.system` of ShopMesh's RPCs: Nest's TCP transport with our envelope (`{meta, payload}`). */
export const RPC_SYSTEM = 'nestjs-tcp';

/** The W3C trace context a message carries (`traceparent`, and `tracestate` when there is one). */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** Health probes ask every few seconds: not worth a trace each. */
const UNTRACED_PATTERNS = new Set(['ops.ping']);

const tracer = () => trace.getTracer('@shopmesh/rpc');

const attributesOf = (service: string, pattern: string) => ({
  'rpc.system': RPC_SYSTEM,
  'rpc.service': service,
  'rpc.method': pattern,
});

/** The trace context of `ctx` (default: the active one) as a carrier; empty when nothing is traced. */
export function traceCarrierOf(ctx: Context = context.active()): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return {
    ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}),
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
  };
}

/** The context a received carrier continues (the root context when it carries none). */
export function contextOfCarrier(carrier: TraceCarrier | undefined): Context {
  if (!carrier?.traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/**
 * Runs an RPC call in a CLIENT span named after its pattern; `call` gets the trace context to send
 * with the message (the span's), so the server's span is its child. A failure marks the span with
 * the error's stable code.
 */
export async function traceRpcCall<T>(target: string, pattern: string, call: (carrier: TraceCarrier) => Promise<T>): Promise<T> {
  if (!tracingOn() || UNTRACED_PATTERNS.has(pattern)) return call({});
  return tracer().startActiveSpan(pattern, { kind: SpanKind.CLIENT, attributes: attributesOf(target, pattern) }, async (span) => {
    try {
      return await call(traceCarrierOf());
    } catch (error) {
      recordSpanFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The SERVER span of one RPC served: run the handler in it, end it with its outcome. */
export interface ServedRpc {
  run<T>(fn: () => T): T;
  end(error?: unknown): void;
}

/** Starts the SERVER span of an RPC received with `carrier`, a child of the caller's CLIENT span. */
export function serveRpc(service: string, pattern: string, carrier: TraceCarrier | undefined): ServedRpc {
  if (!tracingOn() || UNTRACED_PATTERNS.has(pattern)) return { run: (fn) => fn(), end: () => undefined };
  const parent = contextOfCarrier(carrier);
  const span: Span = tracer().startSpan(pattern, { kind: SpanKind.SERVER, attributes: attributesOf(service, pattern) }, parent);
  const active = trace.setSpan(parent, span);
  let ended = false;
  return {
    run: (fn) => context.with(active, fn),
    end: (error) => {
      if (ended) return;
      ended = true;
      if (error !== undefined) recordSpanFailure(span, error);
      span.end();
    },
  };
}
