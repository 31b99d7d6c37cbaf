import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { recordSpanFailure } from './span-errors';
import { traceCarrierOf } from './rpc-tracing';

/** One message about to be sent: its topic, key and (mutable) headers, holding the trace context it was written in. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  headers: Record<string, string>;
}

const tracer = () => trace.getTracer('@shopmesh/messaging');

/**
 * The trace context headers of the work in progress (`traceparent`, `tracestate`), to store with a
 * message written now and sent later (transactional outbox); empty when nothing is traced.
 */
export function traceHeaders(): Record<string, string> {
  return { ...traceCarrierOf() };
}

/**
 * Sends messages written earlier, each in a PRODUCER span (`send <topic>`) that continues the
 * trace its headers carry (the request or message that wrote it), whose context then replaces
 * theirs: the consumer's span is a child of this send. The batch itself is sent with tracing
 * suppressed, so the kafkajs instrumentation does not put every message of a batch under one
 * unrelated span. Messages without a trace context are sent as they are.
 */
export async function sendTracedMessages<T>(messages: readonly OutgoingMessage[], send: () => Promise<T>): Promise<T> {
  const spans = messages.flatMap((message) => {
    if (!message.headers.traceparent) return [];
    const parent = propagation.extract(ROOT_CONTEXT, message.headers);
    const span = tracer().startSpan(
      `send ${message.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
          'messaging.destination.name': message.topic,
          'messaging.kafka.message.key': message.key,
        },
      },
      parent,
    );
    propagation.inject(trace.setSpan(parent, span), message.headers);
    return [span];
  });
  try {
    return await context.with(suppressTracing(context.active()), send);
  } catch (error) {
    for (const span of spans) recordSpanFailure(span, error);
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}
