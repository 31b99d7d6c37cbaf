import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { traceHeaders } from '@shopmesh/tracing';
import { createEnvelope, MessageHeaders, type Envelope, type NewMessage } from './envelope';
import { markOutboxWrite } from './outbox-commits';

/** Number of ordering lanes of the outbox; a key always maps to the same lane. */
export const OUTBOX_LANES = 16;

export const laneOf = (key: string): number => createHash('sha1').update(key).digest().readUInt16BE(0) % OUTBOX_LANES;

/**
 * Records the messages a state change causes, in the caller's transaction: they are published
 * if and only if the change commits (transactional outbox). Returns the envelopes recorded.
 *
 * ```ts
 * await dataSource.transaction(async (manager) => {
 *   await manager.save(order);
 *   await outbox.record(manager, [{ topic: 'orders.events', type: 'OrderPlaced', version: 1, aggregateId: order.id, payload }]);
 * });
 * ```
 */
export class Outbox {
  /** @param notify also send `NOTIFY outbox_inserted` (for a relay with `wake: 'notify'`). */
  constructor(private readonly notify = false) {}

  async record(manager: EntityManager, messages: readonly NewMessage[]): Promise<Envelope[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('Outbox.record must run inside the transaction of the state change');
    }
    if (messages.length === 0) return [];
    const envelopes = messages.map((m) => createEnvelope(m));
    const values: unknown[] = [];
    // the trace of the request (or message) that writes them: the relay's send continues it
    const trace = traceHeaders();
    const rows = messages.map((message, i) => {
      const envelope = envelopes[i] as Envelope;
      const headers = {
        [MessageHeaders.correlationId]: envelope.correlationId,
        [MessageHeaders.messageType]: `${envelope.type}.v${envelope.version}`,
        ...trace,
      };
      values.push(
        envelope.id,
        message.topic,
        message.aggregateId,
        laneOf(message.aggregateId),
        JSON.stringify(envelope),
        JSON.stringify(headers),
      );
      const p = i * 6;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}::jsonb, $${p + 6}::jsonb)`;
    });
    await manager.query(`INSERT INTO outbox (id, topic, message_key, lane, envelope, headers) VALUES ${rows.join(', ')}`, values);
    // the relay of this process publishes them as soon as the transaction commits (outbox-commits.ts)
    markOutboxWrite(manager.queryRunner);
    if (this.notify) await manager.query(`SELECT pg_notify('outbox_inserted', '')`);
    return envelopes;
  }
}
