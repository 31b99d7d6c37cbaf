/**
 * The rows the auditor reads, one interface per table, as agreed with the services that own them
 * (each service's own database: orders, inventory, payments). Amounts are integer minor units.
 */

export interface OrderRow {
  id: string;
  userId: string;
  status: string;
  step: string;
  cancellationReason: string | null;
  totalAmount: number;
  currency: string;
  deadlineAt: Date | null;
  createdAt: Date;
}

export interface OrderLineRow {
  orderId: string;
  lineNo: number;
  productId: string;
  sku: string;
  quantity: number;
  unitAmount: number;
  currency: string;
}

export interface StockRow {
  sku: string;
  onHand: number;
  reserved: number;
}

/** One order's reservation as a whole (`reservation_orders`). */
export interface ReservationOrderRow {
  orderId: string;
  status: string;
}

/** One line of a reservation (`reservations`). */
export interface ReservationRow {
  orderId: string;
  sku: string;
  quantity: number;
  status: string;
}

export interface StockMovementRow {
  sku: string;
  orderId: string | null;
  kind: string;
  delta: number;
}

export interface LedgerRow {
  orderId: string;
  paymentId: string;
  kind: string;
  amount: number;
  currency: string;
}

export interface ProviderChargeRow {
  idempotencyKey: string;
  orderId: string;
  status: string;
  amount: number;
  refundedAmount: number;
}

/** Everything one audit looks at, read from the three databases. */
export interface AuditRows {
  /** The orders database's clock when it was read: deadlines are its times. */
  now: Date;
  orders: OrderRow[];
  orderLines: OrderLineRow[];
  stock: StockRow[];
  reservationOrders: ReservationOrderRow[];
  reservations: ReservationRow[];
  stockMovements: StockMovementRow[];
  ledger: LedgerRow[];
  providerCharges: ProviderChargeRow[];
}

/** The order is done: confirmed or cancelled, with nothing (no compensation) left to run. */
export const isFinal = (order: OrderRow): boolean =>
  (order.step === 'CONFIRMED' || order.step === 'CANCELLED') && order.deadlineAt === null;
