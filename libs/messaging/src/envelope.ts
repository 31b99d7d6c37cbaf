import { randomUUID } from 'node:crypto';
import { CorrelationContext } from '@shopmesh/logging';
import { z } from 'zod';

/**
 * The one envelope of every ShopMesh Kafka message (PRODUCT.md §3). The Kafka key is `aggregateId`,
 * so one aggregate's messages stay in order.
 */
export const EnvelopeSchema = z
  .object({
    id: z.uuid(),
    type: z.string().min(1).max(100),
    version: z.number().int().min(1),
    occurredAt: z.iso.datetime(),
    aggregateId: z.string().min(1).max(200),
    correlationId: z.string().min(1).max(128),
    causationId: z.string().min(1).max(128).nullable(),
    payload: z.unknown(),
  })
  .strict();

export type Envelope<P = unknown> = Omit<z.infer<typeof EnvelopeSchema>, 'payload'> & { payload: P };

export interface NewMessage<P = unknown> {
  topic: string;
  type: string;
  version: number;
  aggregateId: string;
  payload: P;
  /** The message that caused this one, if any. */
  causationId?: string | null;
}

/** Builds the envelope of a new message, in the current correlation context. */
export function createEnvelope<P>(message: NewMessage<P>, now = new Date()): Envelope<P> {
  return {
    id: randomUUID(),
    type: message.type,
    version: message.version,
    occurredAt: now.toISOString(),
    aggregateId: message.aggregateId,
    correlationId: CorrelationContext.currentId() ?? randomUUID(),
    causationId: message.causationId ?? null,
    payload: message.payload,
  };
}

/**
 * Kafka headers of a message besides its envelope. `traceparent` (W3C trace context, with
 * `tracestate` if any) only when the message was written in a traced request or message: the relay
 * then replaces it with the context of its send span, which the consumer's span continues.
 */
export const MessageHeaders = {
  correlationId: 'x-correlation-id',
  messageType: 'x-message-type',
  traceparent: 'traceparent',
} as const;
