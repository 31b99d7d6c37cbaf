import { context, propagation, ProxyTracerProvider, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '@shopmesh/config';
import { BoundedZipkinExporter } from './zipkin-exporter';

/** Probes and scrapes: not worth a trace each (they come every few seconds). */
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/** How the apps batch spans for export (at most 2048 queued, a post of up to 512 every second). */
export const SPAN_BATCHING = {
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 1000,
  exportTimeoutMillis: 5000,
} as const;

let provider: TracerProvider | undefined;
let dropped = 0;

/**
 * Spans the exporter of this process could not deliver (Zipkin refused, slow or busy) since it started;
 * not those the batch queue dropped when full (the BatchSpanProcessor does not say).
 */
export function droppedSpans(): number {
  return dropped;
}

/** The API's no-op provider: what a proxy with no provider registered delegates to. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * False while no tracer provider is registered (`startTracing` with exporter `none`, or not called):
 * every span would be a no-op, and the hot paths (an RPC call, a message consumed) skip making them.
 */
export function tracingOn(): boolean {
  const registered = trace.getTracerProvider();
  return !(registered instanceof ProxyTracerProvider && registered.getDelegate() === NOOP_PROVIDER);
}

/**
 * Starts OpenTelemetry for this process: W3C trace context, spans of HTTP (server and client),
 * pg and ioredis (Kafka's spans are our own: `sendTracedMessages`, `processTraced`), sampled parent-based with `sampleRatio` for new traces,
 * and exported in batches to Zipkin. Instrumentations patch modules as they are loaded, so this must
 * run before Nest, pg, ioredis or kafkajs are required: each app's `main.ts` imports its
 * `tracing.ts` first. With exporter `none` nothing is installed and the OpenTelemetry API is a no-op.
 *
 * Export never slows the app down, and its memory is bounded: spans queue in memory (at most 2048;
 * beyond, new ones are dropped), a background batch posts them, at most two posts in flight, each
 * abandoned after 10 s (see BoundedZipkinExporter); an unreachable or hung Zipkin costs dropped spans
 * (`tracing_spans_dropped_total`), nothing else.
 */
export function startTracing(service: string, config: TracingConfig): void {
  if (config.exporter === 'none' || provider) return;
  const exporter = new BoundedZipkinExporter({
    url: `${config.zipkinUrl}/api/v2/spans`,
    serviceName: service,
    onDrop: (spans) => {
      dropped += spans;
    },
  });
  provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor({ exporter, ...SPAN_BATCHING })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? ''),
        requireParentforOutgoingSpans: true,
      }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
}

/** Exports the spans still queued and stops tracing (at shutdown); waits at most `timeoutMs`. */
export async function stopTracing(timeoutMs = 2000): Promise<void> {
  const current = provider;
  provider = undefined;
  if (!current) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    current.shutdown().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}
