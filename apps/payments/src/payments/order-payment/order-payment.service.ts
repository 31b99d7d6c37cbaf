import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { LedgerEntry, OrderPayment } from '@shopmesh/contracts';
import { DataSource } from 'typeorm';
import type { PaymentStatus } from '../domain/payment-decision';

interface LedgerRow {
  id: string;
  order_id: string;
  payment_id: string;
  kind: LedgerEntry['kind'];
  amount: string;
  currency: string;
  at: Date;
}

/** What payments knows of one order, for admins: its status, net charge and ledger. */
@Injectable()
export class OrderPaymentService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async ofOrder(orderId: string): Promise<OrderPayment> {
    const [[payment], rows] = await Promise.all([
      this.dataSource.query<Array<{ status: PaymentStatus }>>(`SELECT status FROM payments WHERE order_id = $1`, [orderId]),
      this.dataSource.query<LedgerRow[]>(
        `SELECT id, order_id, payment_id, kind, amount, currency, at FROM ledger WHERE order_id = $1 ORDER BY at, kind`,
        [orderId],
      ),
    ]);
    const ledger = rows.map(toEntry);
    return { orderId, status: payment?.status ?? 'NONE', netCharged: netOf(ledger), ledger };
  }
}

const toEntry = (row: LedgerRow): LedgerEntry => ({
  id: row.id,
  orderId: row.order_id,
  paymentId: row.payment_id,
  kind: row.kind,
  amount: { amount: Number(row.amount), currency: row.currency },
  at: row.at.toISOString(),
});

/** Captures minus refunds; one order's entries share its currency. */
export function netOf(ledger: readonly LedgerEntry[]): OrderPayment['netCharged'] {
  const [first] = ledger;
  if (!first) return null;
  const amount = ledger.reduce((sum, e) => sum + (e.kind === 'CAPTURE' ? e.amount.amount : -e.amount.amount), 0);
  return { amount, currency: first.amount.currency };
}
