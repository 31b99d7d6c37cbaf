import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OrderPlaced, type Address, type Money, type OrderAccepted, type OrderLine, type OrderOrigin } from '@shopmesh/contracts';
import { CorrelationContext } from '@shopmesh/logging';
import { Outbox, consumerTransactionOf, messageOf } from '@shopmesh/messaging';
import { currentTraceId } from '@shopmesh/tracing';
import { DataSource } from 'typeorm';
import type { SagaSettings } from '../checkout-saga/saga';
import { commandMessage } from '../checkout-saga/saga-messages';
import { appendHistory } from '../checkout-saga/saga-repository';
import { ORDERS_CLOCK, SAGA_SETTINGS, type Clock } from '../checkout-saga/saga-settings';
import { startSaga } from '../checkout-saga/transition';
import type { KeyClaim } from '../idempotency/idempotency-keys.service';
import { IdempotencyKeys } from '../idempotency/idempotency-keys.service';
import { OrdersMetrics } from '../orders-metrics';

/** An order ready to be accepted: priced lines, where to ship, how to pay. */
export interface OrderToAccept {
  userId: string;
  lines: readonly OrderLine[];
  total: Money;
  shippingAddress: Address;
  paymentToken: string;
  origin: OrderOrigin;
}

/**
 * Accepts a priced order: in ONE transaction the order, its lines, its first history entry,
 * `OrderPlaced` and `ReserveStock` (outbox) and the idempotency key's answer. Either all of it
 * exists afterwards or none of it.
 */
@Injectable()
export class AcceptOrderService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly keys: IdempotencyKeys,
    private readonly metrics: OrdersMetrics,
    @Inject(SAGA_SETTINGS) private readonly settings: SagaSettings,
    @Inject(ORDERS_CLOCK) private readonly clock: Clock,
  ) {}

  async accept(order: OrderToAccept, claim: KeyClaim): Promise<OrderAccepted> {
    const orderId = randomUUID();
    const now = this.clock();
    const correlationId = CorrelationContext.currentId() ?? randomUUID();
    const traceId = currentTraceId();
    const items = order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
    const started = startSaga(
      { orderId, userId: order.userId, total: order.total, items, paymentToken: order.paymentToken },
      now,
      this.settings,
    );
    const answer: OrderAccepted = { orderId, status: 'PENDING' };
    await CorrelationContext.run(correlationId, () =>
      this.dataSource.transaction(async (manager) => {
        const tx = consumerTransactionOf(manager, this.outbox);
        await tx.query(
          `INSERT INTO orders (id, user_id, status, step, total_amount, currency, shipping_address, payment_token, deadline_at,
             correlation_id, trace_id, origin, created_at, updated_at)
           VALUES ($1, $2, 'PENDING', 'PENDING', $3, $4, $5::jsonb, $6, $7, $8, $10, $11, $9, $9)`,
          [
            orderId,
            order.userId,
            order.total.amount,
            order.total.currency,
            JSON.stringify(order.shippingAddress),
            order.paymentToken,
            started.saga.deadlineAt,
            correlationId,
            now,
            traceId ?? null,
            order.origin,
          ],
        );
        await insertLines(tx, orderId, order.lines);
        await appendHistory(tx, orderId, [started.history]);
        await tx.publish([
          messageOf(OrderPlaced, orderId, {
            orderId,
            userId: order.userId,
            items: order.lines.map(({ productId, sku, quantity, unitPrice }) => ({ productId, sku, quantity, unitPrice })),
            total: order.total,
          }),
          commandMessage(started.saga, started.command),
        ]);
        await this.keys.complete(tx, claim, 202, answer, orderId);
      }),
    );
    this.metrics.orders.inc({ outcome: 'accepted', reason: 'none' });
    return answer;
  }
}

async function insertLines(
  tx: { query(sql: string, p: unknown[]): Promise<unknown> },
  orderId: string,
  lines: readonly OrderLine[],
) {
  const values: unknown[] = [];
  const rows = lines.map((line, i) => {
    values.push(
      orderId,
      i + 1,
      line.productId,
      line.sku,
      line.name,
      line.quantity,
      line.unitPrice.amount,
      line.unitPrice.currency,
    );
    const p = i * 8;
    return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8})`;
  });
  await tx.query(
    `INSERT INTO order_lines (order_id, line_no, product_id, sku, name, quantity, unit_amount, currency) VALUES ${rows.join(', ')}`,
    values,
  );
}
