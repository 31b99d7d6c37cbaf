import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { recordSpanFailure } from './span-errors';
import { tracingOn } from './start-tracing';
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

/** What {@link processTraced} needs of a received Kafka message. */
export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  headers?: Record<string, Buffer | string | Array<Buffer | string> | undefined>;
}

const headerValue = (value: Buffer | string | Array<Buffer | string> | undefined): string | undefined => {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};

/**
 * Runs the processing of one received message in a CONSUMER span (`process <topic>`), a child of
 * the PRODUCER span its headers carry (the relay's send), so that the handler's database writes and
 * the messages it publishes continue the trace of the request that caused it; a message without a
 * trace context starts a trace of its own (sampled as new traces are). Our consumers make this span
 * themselves rather than through the kafkajs instrumentation, which for a batch consumer would
 * put every message under one batch span of an unrelated trace.
 */
export async function processTraced<T>(message: IncomingMessage, work: () => Promise<T>): Promise<T> {
  if (!tracingOn()) return work();
  const traceparent = headerValue(message.headers?.traceparent);
  const tracestate = headerValue(message.headers?.tracestate);
  const parent = traceparent
    ? propagation.extract(ROOT_CONTEXT, { traceparent, ...(tracestate ? { tracestate } : {}) })
    : ROOT_CONTEXT;
  const span = tracer().startSpan(
    `process ${message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': message.topic,
        'messaging.destination.partition.id': String(message.partition),
        'messaging.kafka.offset': message.offset,
        ...(message.key ? { 'messaging.kafka.message.key': message.key.toString() } : {}),
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    recordSpanFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}
