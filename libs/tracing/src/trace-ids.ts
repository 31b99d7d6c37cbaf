import { isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';

/** `traceId` and `spanId` of the active span, for a log line; empty when nothing is traced. */
export function traceLogFields(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
}

/** The id of the trace in progress if it is recorded (sampled), so that it can be looked up later. */
export function currentTraceId(): string | undefined {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) && (span.traceFlags & TraceFlags.SAMPLED) !== 0 ? span.traceId : undefined;
}
