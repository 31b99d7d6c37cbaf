import { setTimeout as sleep } from 'node:timers/promises';
import { AuthorizePayment, PaymentAuthorized } from '@shopmesh/contracts';
import { deadLetterTopicOf, type Envelope } from '@shopmesh/messaging';
import { waitUntil } from '@shopmesh/testing';
import {
  PaymentTopics,
  authorizeEnvelope,
  newPaymentSpace,
  refundEnvelope,
  startPayments,
  type PaymentsUnderTest,
} from './payments-harness';

describe('payments through Kafka and its outbox relay (real Postgres and Kafka)', () => {
  const space = newPaymentSpace('kafka');
  let sut: PaymentsUnderTest;
  let topics: PaymentTopics;
  let events: Envelope[];
  let deadLetters: Envelope[];

  const eventsOf = (orderId: string) => events.filter((e) => e.aggregateId === orderId);

  beforeAll(async () => {
    topics = await PaymentTopics.connect();
    sut = await startPayments('kafka', space);
    await topics.waitForGroup(sut.groupId);
    [events, deadLetters] = await Promise.all([
      topics.read(PaymentAuthorized.topic, space.prefix),
      topics.read(deadLetterTopicOf(AuthorizePayment.topic), space.prefix),
    ]);
  }, 90_000);
  afterAll(async () => {
    await sut?.close();
    if (topics) {
      await topics.deleteGroups([sut.groupId]);
      await topics.close();
    }
  });

  it('answers a command sent twice with one PaymentAuthorized on payments.events, and a tok_timeout order with nothing until it is voided, with no dead letter', async () => {
    const paid = space.newOrderId();
    const unanswered = space.newOrderId();
    const command = authorizeEnvelope(paid, 'tok_visa');
    await topics.send([command, authorizeEnvelope(unanswered, 'tok_timeout'), command]);

    const [authorized] = await waitUntil(
      'PaymentAuthorized is on payments.events',
      () => {
        const found = eventsOf(paid);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 20_000 },
    );
    const [charge] = await sut.query<{ charge_id: string }>(`SELECT charge_id FROM provider_charges WHERE order_id = $1`, [paid]);
    expect(authorized).toMatchObject({
      type: 'PaymentAuthorized',
      version: 1,
      aggregateId: paid,
      causationId: command.id,
      correlationId: command.correlationId,
      payload: { orderId: paid, paymentId: charge?.charge_id, amount: { amount: 4200, currency: 'EUR' } },
    });
    expect((await sut.published(paid)).map((m) => [m.id, m.published])).toEqual([[authorized?.id, true]]);

    await waitUntil(
      'the tok_timeout order is recorded PENDING',
      async () => {
        const rows = await sut.query<{ status: string }>(
          `SELECT status FROM payments WHERE order_id = $1 AND status = 'PENDING'`,
          [unanswered],
        );
        return rows.length === 1;
      },
      { timeoutMs: 20_000 },
    );
    await topics.send([refundEnvelope(unanswered, 'TIMEOUT')]);
    await waitUntil('PaymentRefunded for the voided order', () => eventsOf(unanswered).length > 0, { timeoutMs: 20_000 });

    await sleep(1500); // anything else would have come by now
    expect(eventsOf(paid)).toHaveLength(1);
    expect(eventsOf(unanswered).map((e) => [e.type, e.payload])).toEqual([
      ['PaymentRefunded', { orderId: unanswered, paymentId: null, amount: null }],
    ]);
    expect(deadLetters).toEqual([]);
  }, 60_000);
});
