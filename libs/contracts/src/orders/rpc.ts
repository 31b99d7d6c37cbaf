import { z } from 'zod';
import { MoneySchema } from '../money';
import { pageCursor, pageLimit, pageOf } from '../page';
import { defineRpc } from '../rpc-definition';
import { noNul } from '../text';
import { PaymentTokenSchema } from '../payments/events';
import { CANCELLATION_REASONS } from './events';

/** Public statuses of an order. The saga's finer steps show in `step` and `statusHistory`. */
export const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * Steps of the checkout saga (orders orchestrates, docs/checkout-saga.md), each named by what has
 * happened: PENDING (waiting for stock) → STOCK_RESERVED (waiting for payment) → PAYMENT_AUTHORIZED
 * (waiting for the commit) → CONFIRMED; COMPENSATING → CANCELLED on a decline, a timeout or a
 * cancellation (straight to CANCELLED when stock was rejected and nothing is held).
 */
export const SAGA_STEPS = ['PENDING', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'CONFIRMED', 'COMPENSATING', 'CANCELLED'] as const;
export type SagaStep = (typeof SAGA_STEPS)[number];

/** How an order was placed: the checkout of the cart (`POST /v1/cart/checkout`) or directly (`POST /v1/orders`). */
export const ORDER_ORIGINS = ['CART', 'DIRECT'] as const;
export type OrderOrigin = (typeof ORDER_ORIGINS)[number];

/** Lines an order may have, and the quantity of one line. */
export const ORDER_MAX_LINES = 50;
export const ORDER_MAX_QUANTITY = 99;
const QUANTITY_EXPECTED = `expected an integer from 1 to ${ORDER_MAX_QUANTITY}`;

const text = (min: number, max: number) => noNul(z.string().trim().min(min).max(max));

/** A shipping address; `country` is an ISO 3166-1 alpha-2 code. */
export const AddressSchema = z
  .object({
    name: text(1, 200),
    line1: text(1, 200),
    line2: text(1, 200).optional(),
    city: text(1, 100),
    postalCode: text(1, 20),
    country: z.string().regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166-1 alpha-2 country code such as DE' }),
  })
  .strict();
export type Address = z.infer<typeof AddressSchema>;

/** `Idempotency-Key`: 1-255 printable ASCII characters, scoped per user, kept at least 24 h. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
export const IdempotencyKeySchema = z
  .string()
  .min(1, { error: 'expected 1-255 printable ASCII characters' })
  .max(IDEMPOTENCY_KEY_MAX_LENGTH, { error: 'expected 1-255 printable ASCII characters' })
  .regex(/^[\x21-\x7E]+$/, { error: 'expected 1-255 printable ASCII characters' });

const OrderItemRequestSchema = z
  .object({
    productId: z.uuid({ error: 'expected a UUID' }),
    quantity: z
      .number({ error: QUANTITY_EXPECTED })
      .int({ error: QUANTITY_EXPECTED })
      .min(1, { error: QUANTITY_EXPECTED })
      .max(ORDER_MAX_QUANTITY, { error: QUANTITY_EXPECTED }),
  })
  .strict();

/** `POST /v1/orders` body: what to buy; prices and names come from catalog, never from the client. */
export const PlaceOrderBodySchema = z
  .object({
    items: z
      .array(OrderItemRequestSchema)
      .min(1, { error: 'expected 1 to 50 items' })
      .max(ORDER_MAX_LINES, { error: 'expected 1 to 50 items' })
      .refine((items) => new Set(items.map((i) => i.productId)).size === items.length, {
        error: 'expected each product once',
      }),
    paymentToken: PaymentTokenSchema,
    shippingAddress: AddressSchema,
  })
  .strict();
export type PlaceOrderBody = z.infer<typeof PlaceOrderBodySchema>;

/** `POST /v1/cart/checkout` body: the lines come from the caller's cart. */
export const CheckoutBodySchema = z.object({ paymentToken: PaymentTokenSchema, shippingAddress: AddressSchema }).strict();
export type CheckoutBody = z.infer<typeof CheckoutBodySchema>;

export const PlaceOrderSchema = PlaceOrderBodySchema.extend({ idempotencyKey: IdempotencyKeySchema }).strict();
export type PlaceOrder = z.infer<typeof PlaceOrderSchema>;
export const CheckoutSchema = CheckoutBodySchema.extend({ idempotencyKey: IdempotencyKeySchema }).strict();
export type Checkout = z.infer<typeof CheckoutSchema>;

/** The 202 answer of placing an order, a checkout and a cancellation. */
export const OrderAcceptedSchema = z.object({ orderId: z.uuid(), status: z.enum(ORDER_STATUSES) });
export type OrderAccepted = z.infer<typeof OrderAcceptedSchema>;

export const OrderLineSchema = z.object({
  productId: z.uuid(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int().positive(),
  unitPrice: MoneySchema,
});
export type OrderLine = z.infer<typeof OrderLineSchema>;

/** One change of an order's status or saga step; `seq` (1, 2, …) is its SSE event id. */
export const OrderHistoryEntrySchema = z.object({
  seq: z.number().int().positive(),
  status: z.enum(ORDER_STATUSES),
  step: z.enum(SAGA_STEPS),
  at: z.iso.datetime(),
  reason: z.enum(CANCELLATION_REASONS).optional(),
});
export type OrderHistoryEntry = z.infer<typeof OrderHistoryEntrySchema>;

export const OrderSchema = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  status: z.enum(ORDER_STATUSES),
  step: z.enum(SAGA_STEPS),
  items: z.array(OrderLineSchema).min(1),
  total: MoneySchema,
  shippingAddress: AddressSchema,
  statusHistory: z.array(OrderHistoryEntrySchema),
  cancellationReason: z.enum(CANCELLATION_REASONS).optional(),
  /** How the order was placed; absent on orders placed before it was recorded. */
  origin: z.enum(ORDER_ORIGINS).optional(),
  /** The trace of the request that placed the order (W3C trace id), when it was traced: `<trace UI>/traces/<traceId>`. */
  traceId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Order = z.infer<typeof OrderSchema>;

export const OrderIdParamsSchema = z.object({ id: z.uuid({ error: 'expected a UUID' }) }).strict();
export type OrderIdParams = z.infer<typeof OrderIdParamsSchema>;

/** `GET /v1/orders` query: a customer sees their own orders, an admin everyone's; newest first. */
export const ListOrdersQuerySchema = z
  .object({ status: z.enum(ORDER_STATUSES).optional(), limit: pageLimit(), cursor: pageCursor().optional() })
  .strict();
export type ListOrdersQuery = z.infer<typeof ListOrdersQuerySchema>;
export const OrderPageSchema = pageOf(OrderSchema);
export type OrderPage = z.infer<typeof OrderPageSchema>;

/** The longest an `orders.history` call may wait for a new entry. */
export const ORDER_HISTORY_MAX_WAIT_MS = 25_000;

export const OrderHistoryRequestSchema = z
  .object({
    id: z.uuid(),
    /** Entries with `seq` greater than this (0 for all): the SSE `Last-Event-ID`. */
    after: z.number().int().nonnegative().default(0),
    /** If there is none yet, wait up to this long for one (long poll; 0 answers at once). */
    waitMs: z.number().int().min(0).max(ORDER_HISTORY_MAX_WAIT_MS).default(0),
  })
  .strict();
export const OrderHistorySchema = z.object({
  entries: z.array(OrderHistoryEntrySchema),
  /** The order's status is CONFIRMED or CANCELLED with no compensation left to run: no entry will follow. */
  final: z.boolean(),
});
export type OrderHistory = z.infer<typeof OrderHistorySchema>;

/**
 * RPCs served by orders. Each acts for the message's `actor` (from a verified token): a customer
 * reaches only their own orders (another user's is `ORDERS.ORDER_NOT_FOUND`, never the order), an
 * admin every order.
 */
export const OrdersRpc = {
  /**
   * Accepts an order (202 PENDING) and starts its saga. Idempotent per (user, key): a retry with the
   * same body answers the stored answer; `IDEMPOTENCY.KEY_REUSED` for another body,
   * `IDEMPOTENCY.IN_PROGRESS` while the first request with that key is still running.
   * `ORDERS.PRODUCT_UNAVAILABLE` for an unknown or inactive product, `ORDERS.CURRENCY_MISMATCH` for
   * lines in several currencies.
   */
  place: defineRpc({ pattern: 'orders.place', request: PlaceOrderSchema, response: OrderAcceptedSchema, idempotent: true }),
  /**
   * Places an order of the caller's cart, and empties the cart once the order is accepted.
   * `CART.EMPTY` for an empty cart, `CART.NEEDS_REVIEW` while a line is `priceChanged` or
   * `unavailable` (setting the line again accepts the new price), `ORDERS.PRICE_CHANGED` if catalog's
   * price is not the one the cart shows. Idempotent as `place`.
   */
  checkout: defineRpc({ pattern: 'orders.checkout', request: CheckoutSchema, response: OrderAcceptedSchema, idempotent: true }),
  get: defineRpc({ pattern: 'orders.get', request: OrderIdParamsSchema, response: OrderSchema, idempotent: true }),
  list: defineRpc({ pattern: 'orders.list', request: ListOrdersQuerySchema, response: OrderPageSchema, idempotent: true }),
  /** The history of an order after an entry, waiting for one if asked (the SSE stream reads it). */
  history: defineRpc({
    pattern: 'orders.history',
    request: OrderHistoryRequestSchema,
    response: OrderHistorySchema,
    idempotent: true,
  }),
  /**
   * Cancels the order: before CONFIRMED the saga compensates what it did, after it refunds and puts
   * the stock back. Cancelling a cancelled order answers it as it is.
   */
  cancel: defineRpc({ pattern: 'orders.cancel', request: OrderIdParamsSchema, response: OrderAcceptedSchema, idempotent: true }),
};
