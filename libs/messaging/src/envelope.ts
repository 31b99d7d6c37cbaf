import { createHash, randomBytes, randomUUID } from 'node:crypto';
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
 * A W3C `traceparent` for a message: the trace id is the correlation id when that is a UUID
 * (otherwise derived from it), so one request's messages share a trace; the span id is new.
 */
export function traceparentOf(correlationId: string): string {
  const hex = correlationId.replace(/-/g, '').toLowerCase();
  const traceId =
    /^[0-9a-f]{32}$/.test(hex) && !/^0+$/.test(hex) ? hex : createHash('sha256').update(correlationId).digest('hex').slice(0, 32);
  return `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
}

/** Kafka headers every message carries besides its envelope. */
export const MessageHeaders = {
  correlationId: 'x-correlation-id',
  messageType: 'x-message-type',
  traceparent: 'traceparent',
} as const;
