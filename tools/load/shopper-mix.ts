import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Catalog } from './catalog';
import type { CallContext, CallOptions, Answer, LoadHttp } from './load-http';
import type { OrderRecord } from './records';
import { intBetween, pickOne, pickWeighted, type Random } from './random';
import type { Shopper, ShopperPool } from './shoppers';
import type { OrdersTracker } from './orders-tracker';

/**
 * The shopper mix: what an arriving session does, with its weight (relative; the defaults sum to
 * 100, so each is a percentage). Anonymous sessions browse; the others lease a registered shopper.
 */
export const DEFAULT_MIX = {
  /** the product list, newest first, and half the time its next page (`cursor`) */
  browse: 25,
  /** one category's page */
  category: 12,
  /** a full-text search (`?query=`) for a word of a product name */
  search: 13,
  /** one product's page, sometimes a second */
  view: 20,
  /** put a product in the cart, look at the cart, take it out again */
  cart: 10,
  /** fill the cart (1–2 lines), look at it, check out (`POST /v1/cart/checkout`); 1 in 10 retries with the same key */
  checkout: 13,
  /** order directly (`POST /v1/orders`, 1–2 items) */
  order: 3,
  /** check out with tok_visa, then cancel the order (`POST /v1/orders/:id/cancel`) */
  cancel: 4,
} as const;

export type Scenario = keyof typeof DEFAULT_MIX;
export type Mix = Partial<Record<Scenario, number>>;

/** The payment token of a checkout or order (relative weights). tok_timeout takes ORDER_STEP_TIMEOUT_MS to cancel. */
export const DEFAULT_PAYMENT_TOKENS: Readonly<Record<string, number>> = {
  tok_visa: 80,
  tok_decline: 10,
  tok_flaky: 8,
  tok_timeout: 2,
};

const REGISTERED: ReadonlySet<Scenario> = new Set(['cart', 'checkout', 'order', 'cancel']);
export const needsShopper = (scenario: Scenario): boolean => REGISTERED.has(scenario);

/** Share (0..1) of sessions that need a registered shopper under `mix`. */
export const registeredShare = (mix: Mix): number => {
  const entries = Object.entries(mix) as Array<[Scenario, number]>;
  const total = entries.reduce((s, [, w]) => s + w, 0);
  return total > 0 ? entries.filter(([k]) => needsShopper(k)).reduce((s, [, w]) => s + w, 0) / total : 0;
};

export const ADDRESS = { name: 'Load Shopper', line1: '1 Benchmark Road', city: 'Berlin', postalCode: '10115', country: 'DE' };

/** Everything one session needs. */
export interface Session {
  index: number;
  scenario: Scenario;
  scheduledAt: number;
  random: Random;
  http: LoadHttp;
  catalog: Catalog;
  paymentTokens: Readonly<Record<string, number>>;
  tracker: OrdersTracker;
  pool: ShopperPool;
  /** How often (0..1) a checkout is retried with its Idempotency-Key. */
  retryShare: number;
}

/** Draws a session's scenario from the mix. */
export const scenarioOf = (random: Random, mix: Mix): Scenario => pickWeighted(random, mix as Record<Scenario, number>);

/** Runs a session; resolves `'no-shopper'` when it needed a shopper and none was free. */
export async function runSession(s: Session): Promise<'done' | 'no-shopper'> {
  let first = true;
  const call = (step: string, method: string, route: string, path: string, options?: CallOptions): Promise<Answer> => {
    const ctx: CallContext = { session: s.index, scenario: s.scenario, step, ...(first ? { since: s.scheduledAt } : {}) };
    first = false;
    return s.http.call(ctx, method, route, path, options);
  };
  const { random, catalog } = s;
  const product = () => pickOne(random, catalog.products);
  switch (s.scenario) {
    case 'browse': {
      const page = await call('list', 'GET', '/v1/products', '/v1/products?limit=20');
      const cursor = (page.body as { nextCursor?: string | null } | undefined)?.nextCursor;
      if (page.status === 200 && cursor && random() < 0.5)
        await call('next page', 'GET', '/v1/products', `/v1/products?limit=20&cursor=${encodeURIComponent(cursor)}`);
      return 'done';
    }
    case 'category':
      await call(
        'category',
        'GET',
        '/v1/products',
        `/v1/products?category=${encodeURIComponent(pickOne(random, catalog.categories))}`,
      );
      return 'done';
    case 'search':
      await call(
        'search',
        'GET',
        '/v1/products',
        `/v1/products?query=${encodeURIComponent(pickOne(random, catalog.searchWords))}`,
      );
      return 'done';
    case 'view':
      await call('view', 'GET', '/v1/products/:id', `/v1/products/${product().id}`);
      if (random() < 0.3) await call('view another', 'GET', '/v1/products/:id', `/v1/products/${product().id}`);
      return 'done';
    case 'cart':
    case 'checkout':
    case 'order':
    case 'cancel': {
      const shopper = await s.pool.lease(s.index);
      if (!shopper) return 'no-shopper';
      try {
        await registeredSession(s, shopper, call);
      } finally {
        s.pool.release(shopper);
      }
      return 'done';
    }
  }
}

type Call = (step: string, method: string, route: string, path: string, options?: CallOptions) => Promise<Answer>;

async function registeredSession(s: Session, shopper: Shopper, call: Call): Promise<void> {
  const { random, catalog } = s;
  const token = shopper.accessToken;
  const put = (id: string, quantity: number) =>
    call('add to cart', 'PUT', '/v1/cart/items/:productId', `/v1/cart/items/${id}`, { token, body: { quantity } });
  if (s.scenario === 'cart') {
    const id = pickOne(random, catalog.products).id;
    if ((await put(id, intBetween(random, 1, 3))).status !== 200) return;
    await call('view cart', 'GET', '/v1/cart', '/v1/cart', { token });
    await call('remove from cart', 'DELETE', '/v1/cart/items/:productId', `/v1/cart/items/${id}`, { token });
    return;
  }
  const paymentToken = s.scenario === 'cancel' ? 'tok_visa' : pickWeighted(random, s.paymentTokens);
  const lines = distinctProducts(s, intBetween(random, 1, 2)).map((p) => ({
    productId: p.id,
    quantity: intBetween(random, 1, 2),
  }));
  const key = randomUUID();
  let placed: Answer;
  if (s.scenario === 'order') {
    const body = { items: lines, paymentToken, shippingAddress: ADDRESS };
    placed = await call('place order', 'POST', '/v1/orders', '/v1/orders', { token, body, headers: { 'idempotency-key': key } });
  } else {
    for (const line of lines) if ((await put(line.productId, line.quantity)).status !== 200) return;
    await call('view cart', 'GET', '/v1/cart', '/v1/cart', { token });
    const body = { paymentToken, shippingAddress: ADDRESS };
    const checkout = (step: string) =>
      call(step, 'POST', '/v1/cart/checkout', '/v1/cart/checkout', { token, body, headers: { 'idempotency-key': key } });
    placed = await checkout('checkout');
    if (placed.status === 202 && random() < s.retryShare) {
      const retry = await checkout('checkout retry');
      const [a, b] = [placed.body, retry.body].map((x) => (x as { orderId?: string } | undefined)?.orderId);
      if (retry.status !== 202 || a !== b) {
        retry.record.outcome = 'mismatch';
        retry.record.code ??= `IDEMPOTENCY.MISMATCH ${b ?? 'none'} != ${a ?? 'none'}`;
      }
    }
  }
  if (placed.status !== 202) return;
  const record: OrderRecord = {
    orderId: (placed.body as { orderId: string }).orderId,
    scenario: s.scenario,
    via: s.scenario === 'order' ? 'orders' : 'checkout',
    paymentToken,
    placedAt: placed.record.startedAt + placed.record.ms,
    cancelAccepted: false,
    status: 'PENDING',
    step: 'PENDING',
  };
  if (s.scenario === 'cancel') {
    // half cancel at once (a pending order), half a moment later (often confirmed already: a refund)
    if (random() < 0.5) await sleep(intBetween(random, 300, 1500));
    const cancel = await call('cancel', 'POST', '/v1/orders/:id/cancel', `/v1/orders/${record.orderId}/cancel`, { token });
    record.cancelAccepted = cancel.status === 202;
  }
  s.tracker.follow(record, shopper);
}

function distinctProducts(s: Session, n: number) {
  const picked = new Map<string, Catalog['products'][number]>();
  while (picked.size < Math.min(n, s.catalog.products.length)) {
    const p = pickOne(s.random, s.catalog.products);
    picked.set(p.id, p);
  }
  return [...picked.values()];
}
