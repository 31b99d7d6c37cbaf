import { randomUUID } from 'node:crypto';
import type { Money } from '@shopmesh/contracts';
import type { ConsumerTransaction } from '@shopmesh/messaging';
import type { PaymentState, PaymentStatus } from './domain/payment-decision';

interface PaymentRow {
  status: PaymentStatus;
  payment_id: string | null;
  amount: string | null;
  currency: string | null;
}

/**
 * Payments' own rows (`payments`, `ledger`), read and written in the consumer's transaction, so
 * they commit with the processed-message record and the reply in the outbox, or not at all.
 */
export class PaymentRecords {
  constructor(private readonly tx: ConsumerTransaction) {}

  /**
   * Locks the order's payment row for the rest of the transaction (inserting a PENDING one if
   * there is none, so concurrent commands for one order queue here). `undefined`: it was new.
   */
  async lock(orderId: string): Promise<PaymentState | undefined> {
    const inserted = await this.tx.query(
      `INSERT INTO payments (order_id, status) VALUES ($1, 'PENDING') ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [orderId],
    );
    const [row] = await this.tx.query<PaymentRow>(
      `SELECT status, payment_id, amount, currency FROM payments WHERE order_id = $1 FOR UPDATE`,
      [orderId],
    );
    if (!row) throw new Error(`payment row of order ${orderId} vanished`);
    if (inserted.length > 0) return undefined;
    return {
      status: row.status,
      paymentId: row.payment_id,
      amount: row.amount === null || row.currency === null ? null : { amount: Number(row.amount), currency: row.currency },
    };
  }

  /** The charge asked for, while its outcome is unknown. */
  async recordPending(orderId: string, amount: Money, token: string): Promise<void> {
    await this.update(
      orderId,
      `status = 'PENDING', amount = $2, currency = $3, token = $4`,
      [amount.amount, amount.currency, token],
      ['PENDING'],
    );
  }

  async recordCapture(orderId: string, paymentId: string, amount: Money): Promise<void> {
    await this.update(
      orderId,
      `status = 'CAPTURED', payment_id = $2, amount = $3, currency = $4`,
      [paymentId, amount.amount, amount.currency],
      ['PENDING'],
    );
    await this.ledger(orderId, paymentId, 'CAPTURE', amount);
  }

  async recordDecline(orderId: string, reason: string): Promise<void> {
    await this.update(orderId, `status = 'DECLINED', reason = $2`, [reason], ['PENDING']);
  }

  /** The whole captured amount given back (a CAPTURE already in the ledger). */
  async recordRefund(orderId: string, paymentId: string, amount: Money, reason: string): Promise<void> {
    await this.update(
      orderId,
      `status = 'REFUNDED', payment_id = $2, amount = $3, currency = $4, reason = $5`,
      [paymentId, amount.amount, amount.currency, reason],
      ['CAPTURED', 'PENDING'],
    );
    await this.ledger(orderId, paymentId, 'REFUND', amount);
  }

  /** A charge payments learnt of only when voiding (the provider approved, payments never recorded it). */
  async recordLateCapture(orderId: string, paymentId: string, amount: Money): Promise<void> {
    await this.ledger(orderId, paymentId, 'CAPTURE', amount);
  }

  async recordVoid(orderId: string, reason: string): Promise<void> {
    await this.update(orderId, `status = 'VOIDED', reason = $2`, [reason], ['PENDING', 'DECLINED']);
  }

  private async update(orderId: string, set: string, values: unknown[], from: PaymentStatus[]): Promise<void> {
    const [rows] = await this.tx.query<unknown[]>(
      `UPDATE payments SET ${set}, updated_at = now() WHERE order_id = $1 AND status = ANY($${values.length + 2}) RETURNING order_id`,
      [orderId, ...values, from],
    );
    if (!rows || rows.length !== 1) throw new Error(`payment of order ${orderId} is not ${from.join(' or ')}`);
  }

  private async ledger(orderId: string, paymentId: string, kind: 'CAPTURE' | 'REFUND', amount: Money): Promise<void> {
    await this.tx.query(
      `INSERT INTO ledger (id, order_id, payment_id, kind, amount, currency, at) VALUES ($1, $2, $3, $4, $5, $6, now())`,
      [randomUUID(), orderId, paymentId, kind, amount.amount, amount.currency],
    );
  }
}
