import { randomUUID } from 'node:crypto';
import { waitUntil } from '@shopmesh/testing';
import { auditConnectionOf, auditInvariants } from '../../tools/invariants/audit-invariants';
import { readAuditRows } from '../../tools/invariants/read-audit-rows';
import type { Platform } from './platform';

export interface OrderBody {
  id: string;
  userId: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  step: string;
  items: Array<{
    productId: string;
    sku: string;
    name: string;
    quantity: number;
    unitPrice: { amount: number; currency: string };
  }>;
  total: { amount: number; currency: string };
  statusHistory: Array<{ seq: number; status: string; step: string; at: string; reason?: string }>;
  cancellationReason?: string;
  traceId?: string;
}

export interface StockBody {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

export const ADDRESS = { name: 'Ada Lovelace', line1: '12 Analytical Row', city: 'London', postalCode: 'N1 9GU', country: 'GB' };

/** The checkout through the gateway, as a storefront would drive it, and the audit of the suite's databases. */
export class CheckoutClient {
  constructor(readonly platform: Pick<Platform, 'api' | 'env' | 'databases'>) {}

  get api(): string {
    return this.platform.api;
  }

  call(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.api}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async json<T>(res: Response | Promise<Response>): Promise<{ status: number; body: T }> {
    const r = await res;
    return { status: r.status, body: (await r.json()) as T };
  }

  async login(email: string, password: string): Promise<string> {
    const { status, body } = await this.json<{ accessToken: string }>(
      this.call('POST', '/v1/auth/login', undefined, { email, password }),
    );
    if (status !== 200) throw new Error(`login of ${email} answered ${status}`);
    return body.accessToken;
  }

  admin(): Promise<string> {
    return this.login(this.platform.env.ADMIN_EMAIL ?? '', this.platform.env.ADMIN_PASSWORD ?? '');
  }

  async customer(): Promise<string> {
    const email = `buyer-${randomUUID()}@example.com`;
    const res = await this.call('POST', '/v1/auth/register', undefined, {
      email,
      password: 'correct horse battery',
      name: 'Buyer',
    });
    if (res.status !== 201) throw new Error(`register answered ${res.status}`);
    return this.login(email, 'correct horse battery');
  }

  /** A product of catalog with `onHand` units in inventory (its stock row first comes from ProductCreated). */
  async product(admin: string, onHand: number, amount = 1250): Promise<{ id: string; sku: string }> {
    const sku = `E2E-${randomUUID().slice(0, 8).toUpperCase()}`;
    const created = await this.json<{ id: string; sku: string }>(
      this.call('POST', '/v1/products', admin, {
        sku,
        name: `Checkout item ${sku}`,
        category: 'e2e',
        price: { amount, currency: 'EUR' },
      }),
    );
    if (created.status !== 201) throw new Error(`creating a product answered ${created.status}`);
    await waitUntil(
      'inventory has the stock row of the new product (ProductCreated)',
      async () => (await this.call('GET', `/v1/inventory/${sku}`, admin)).status === 200,
      { timeoutMs: 20_000 },
    );
    const set = await this.call('PUT', `/v1/inventory/${sku}`, admin, { onHand });
    if (set.status !== 200) throw new Error(`setting stock answered ${set.status}`);
    return created.body;
  }

  async stock(admin: string, sku: string): Promise<StockBody> {
    return (await this.json<StockBody>(this.call('GET', `/v1/inventory/${sku}`, admin))).body;
  }

  /** `POST /v1/orders` with a fresh Idempotency-Key, the given one, or none (`null`). */
  place(token: string, body: unknown, key: string | null = randomUUID()): Promise<Response> {
    return this.call('POST', '/v1/orders', token, body, key === null ? {} : { 'idempotency-key': key });
  }

  orderBody(productId: string, quantity: number, paymentToken: string): unknown {
    return { items: [{ productId, quantity }], paymentToken, shippingAddress: ADDRESS };
  }

  /** Places an order and answers its id (the 202 checked). */
  async placed(token: string, productId: string, quantity: number, paymentToken: string): Promise<string> {
    const { status, body } = await this.json<{ orderId: string; status: string }>(
      this.place(token, this.orderBody(productId, quantity, paymentToken)),
    );
    if (status !== 202) throw new Error(`placing an order answered ${status}: ${JSON.stringify(body)}`);
    return body.orderId;
  }

  async order(token: string, id: string): Promise<OrderBody> {
    return (await this.json<OrderBody>(this.call('GET', `/v1/orders/${id}`, token))).body;
  }

  /** Waits until the order is CONFIRMED or CANCELLED with its saga done. */
  finalOrder(token: string, id: string, timeoutMs = 60_000, intervalMs = 200): Promise<OrderBody> {
    return waitUntil(
      `order ${id} is final`,
      async () => {
        const order = await this.order(token, id);
        return (order.step === 'CONFIRMED' || order.step === 'CANCELLED') && order;
      },
      { timeoutMs, intervalMs },
    );
  }

  /** Waits until the order's saga reaches `step`. */
  reaches(token: string, id: string, step: string, timeoutMs = 30_000): Promise<OrderBody> {
    return waitUntil(
      `order ${id} reaches ${step}`,
      async () => {
        const order = await this.order(token, id);
        return order.statusHistory.some((h) => h.step === step) && order;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** What inventory and payments hold for one order, read from their databases. */
  async effectsOf(orderId: string) {
    const rows = await readAuditRows(auditConnectionOf(this.platform.env, this.platform.databases));
    return {
      ledger: rows.ledger.filter((l) => l.orderId === orderId),
      providerCharges: rows.providerCharges.filter((c) => c.orderId === orderId),
      reservations: rows.reservations.filter((r) => r.orderId === orderId),
    };
  }

  /** The invariants of PRODUCT.md §4 on the suite's databases: the list of violations (empty when all hold). */
  async violations() {
    return (await auditInvariants(auditConnectionOf(this.platform.env, this.platform.databases))).violations;
  }
}
