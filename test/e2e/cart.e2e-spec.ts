import { randomUUID } from 'node:crypto';
import { waitUntil } from '@shopmesh/testing';
import { startPlatform, type Platform } from './platform';

interface CartBody {
  items: Array<{
    productId: string;
    quantity: number;
    unitPrice: { amount: number };
    priceChanged: boolean;
    unavailable: boolean;
    currentUnitPrice?: { amount: number };
  }>;
  total: { amount: number; currency: string; basis: string };
}

/** The cart through the gateway: the caller's own, priced by catalog, marked by catalog's events. */
describe('cart through the gateway (real processes)', () => {
  let platform: Platform;
  let api: string;
  let alice: string;
  let bob: string;
  let admin: string;
  let products: Array<{ id: string; version: number; price: { amount: number; currency: string } }>;

  const call = (method: string, path: string, token?: string, body?: unknown) =>
    fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const tokenOf = async (email: string, password: string): Promise<string> => {
    const res = await call('POST', '/v1/auth/login', undefined, { email, password });
    return ((await res.json()) as { accessToken: string }).accessToken;
  };
  const customer = async (): Promise<string> => {
    const email = `shopper-${randomUUID()}@example.com`;
    await call('POST', '/v1/auth/register', undefined, { email, password: 'correct horse battery', name: 'Shopper' });
    return tokenOf(email, 'correct horse battery');
  };
  const cartOf = async (token: string): Promise<CartBody> => (await (await call('GET', '/v1/cart', token)).json()) as CartBody;

  beforeAll(async () => {
    platform = await startPlatform('cart', { SESSION_CHECK_CACHE_MS: '0' });
    api = platform.api;
    [alice, bob] = [await customer(), await customer()];
    admin = await tokenOf(platform.env.ADMIN_EMAIL ?? '', platform.env.ADMIN_PASSWORD ?? '');
    products = ((await (await call('GET', '/v1/products?limit=3')).json()) as { items: typeof products }).items;
  }, 180_000);
  afterAll(() => platform?.stop());

  it('adds, changes, removes and empties the caller’s own lines, priced by catalog', async () => {
    const [p1, p2] = products as [(typeof products)[0], (typeof products)[0]];
    expect((await call('PUT', `/v1/cart/items/${p1.id}`, alice, { quantity: 2 })).status).toBe(200);
    const cart = (await (await call('PUT', `/v1/cart/items/${p2.id}`, alice, { quantity: 1 })).json()) as CartBody;
    expect(cart.items.map((i) => [i.productId, i.quantity])).toEqual(
      expect.arrayContaining([
        [p1.id, 2],
        [p2.id, 1],
      ]),
    );
    expect(cart.total).toEqual({
      amount: 2 * p1.price.amount + p2.price.amount,
      currency: p1.price.currency,
      basis: 'added-prices',
    });
    expect((await cartOf(bob)).items).toEqual([]); // another user's cart is never this one
    await call('PUT', `/v1/cart/items/${p1.id}`, alice, { quantity: 5 });
    await call('DELETE', `/v1/cart/items/${p2.id}`, alice);
    expect((await cartOf(alice)).items.map((i) => [i.productId, i.quantity])).toEqual([[p1.id, 5]]);
    expect((await (await call('DELETE', '/v1/cart', alice)).json()) as CartBody).toMatchObject({ items: [] });
  });

  it.each([
    ['a unit price from the client', { quantity: 1, unitPrice: { amount: 1, currency: 'EUR' } }],
    ['a price from the client', { quantity: 1, price: 1 }],
    ['a zero quantity', { quantity: 0 }],
    ['a negative quantity', { quantity: -1 }],
    ['a fractional quantity', { quantity: 1.5 }],
    ['a huge quantity', { quantity: 1_000_000 }],
    ['a quantity as text', { quantity: '2' }],
    ['no quantity', {}],
  ])('refuses %s with 400 and writes nothing', async (_name, body) => {
    const res = await call('PUT', `/v1/cart/items/${products[0]?.id ?? ''}`, bob, body);
    expect({ status: res.status, code: ((await res.json()) as { code: string }).code }).toEqual({
      status: 400,
      code: 'VALIDATION.FAILED',
    });
    expect((await cartOf(bob)).items).toEqual([]);
  });

  it('refuses a non-UUID product id, an unknown product and a caller without a token', async () => {
    expect((await call('PUT', '/v1/cart/items/not-a-uuid', bob, { quantity: 1 })).status).toBe(400);
    const unknown = await call('PUT', `/v1/cart/items/${randomUUID()}`, bob, { quantity: 1 });
    expect({ status: unknown.status, code: ((await unknown.json()) as { code: string }).code }).toEqual({
      status: 409,
      code: 'CART.PRODUCT_UNAVAILABLE',
    });
    expect((await call('GET', '/v1/cart')).status).toBe(401);
    expect((await cartOf(bob)).items).toEqual([]);
  });

  it('marks a line whose price changed in catalog, and clears the mark when the user puts it again', async () => {
    const token = await customer();
    const product = products[2];
    await call('PUT', `/v1/cart/items/${product.id}`, token, { quantity: 1 });
    const current = (await (await call('GET', `/v1/products/${product.id}`)).json()) as typeof product;
    const newPrice = current.price.amount + 100;
    const patched = await call('PATCH', `/v1/products/${product.id}`, admin, {
      productVersion: current.version,
      price: { amount: newPrice, currency: current.price.currency },
    });
    expect(patched.status).toBe(200);
    const marked = await waitUntil(
      'the cart line is marked',
      async () => {
        const line = (await cartOf(token)).items[0];
        return line?.priceChanged === true && line;
      },
      { timeoutMs: 15_000 },
    );
    expect(marked).toMatchObject({ unitPrice: { amount: current.price.amount }, currentUnitPrice: { amount: newPrice } });
    const confirmed = (await (await call('PUT', `/v1/cart/items/${product.id}`, token, { quantity: 1 })).json()) as CartBody;
    expect(confirmed.items[0]).toMatchObject({ priceChanged: false, unitPrice: { amount: newPrice } });
  });
});
