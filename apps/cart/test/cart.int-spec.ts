import { randomUUID } from 'node:crypto';
import { CartRpc, CatalogRpc, type Actor, type Product } from '@shopmesh/contracts';
import type { Redis } from 'ioredis';
import { startCatalog, type CatalogUnderTest } from '../../catalog/test/catalog-harness';
import { CatalogTopic, deleteKeys, newCartSpace, startCart, testRedis, type CartUnderTest } from './cart-harness';

const TTL = 600;

describe('cart over TCP (real Redis, Kafka and catalog)', () => {
  const space = newCartSpace('rpc');
  let catalog: CatalogUnderTest;
  let sut: CartUnderTest;
  let redis: Redis;
  let lamp: Product;
  let mug: Product;
  let dollar: Product;
  let withdrawn: Product;
  const many: Product[] = [];

  const createProduct = (name: string, amount: number, currency = 'EUR') =>
    catalog.rpc.call(CatalogRpc.createProduct, {
      sku: `CART-${randomUUID().slice(0, 8).toUpperCase()}`,
      name,
      category: 'test',
      price: { amount, currency },
    });
  const newUser = (): Actor => ({ userId: randomUUID(), role: 'customer' });
  const stored = (actor: Actor) => redis.hgetall(space.keys.cart(actor.userId));

  beforeAll(async () => {
    catalog = await startCatalog('cart-rpc');
    sut = await startCart(space, catalog, { ttlSeconds: TTL });
    redis = await testRedis();
    lamp = await createProduct('Lamp', 1999);
    mug = await createProduct('Mug', 500);
    dollar = await createProduct('Dollar Mug', 700, 'USD');
    withdrawn = await createProduct('Old Lamp', 100);
    await catalog.rpc.call(CatalogRpc.deactivateProduct, { id: withdrawn.id });
    for (let i = 0; i < 51; i += 1) many.push(await createProduct(`Item ${i}`, 100 + i));
  });
  afterAll(async () => {
    if (redis) {
      await deleteKeys(redis, space.keys);
      redis.disconnect();
    }
    await sut?.close();
    const topic = await CatalogTopic.connect();
    await topic.deleteGroups([`cart.${space.consumerName}`]);
    await topic.close();
    await catalog?.close();
  });

  it('adds, updates, removes and clears lines, snapshotting the catalogue price', async () => {
    const actor = newUser();
    await expect(sut.rpc.call(CartRpc.get, {}, { actor })).resolves.toEqual({
      items: [],
      total: { amount: 0, currency: 'XXX', basis: 'added-prices' },
      lineCount: 0,
    });
    await sut.rpc.call(CartRpc.setItem, { productId: lamp.id, quantity: 2 }, { actor });
    const two = await sut.rpc.call(CartRpc.setItem, { productId: mug.id, quantity: 1 }, { actor });
    expect(two).toEqual({
      items: [
        {
          productId: lamp.id,
          sku: lamp.sku,
          name: 'Lamp',
          quantity: 2,
          unitPrice: { amount: 1999, currency: 'EUR' },
          priceChanged: false,
          unavailable: false,
        },
        {
          productId: mug.id,
          sku: mug.sku,
          name: 'Mug',
          quantity: 1,
          unitPrice: { amount: 500, currency: 'EUR' },
          priceChanged: false,
          unavailable: false,
        },
      ],
      total: { amount: 2 * 1999 + 500, currency: 'EUR', basis: 'added-prices' },
      lineCount: 2,
    });
    const updated = await sut.rpc.call(CartRpc.setItem, { productId: lamp.id, quantity: 5 }, { actor });
    expect(updated.items.map((i) => [i.productId, i.quantity])).toEqual([
      [lamp.id, 5],
      [mug.id, 1],
    ]);
    expect(updated.total.amount).toBe(5 * 1999 + 500);
    await expect(sut.rpc.call(CartRpc.get, {}, { actor })).resolves.toEqual(updated);

    expect(await redis.smembers(space.keys.byProduct(lamp.id))).toContain(actor.userId);
    const removed = await sut.rpc.call(CartRpc.removeItem, { productId: lamp.id }, { actor });
    expect(removed.items.map((i) => i.productId)).toEqual([mug.id]);
    expect(await redis.smembers(space.keys.byProduct(lamp.id))).not.toContain(actor.userId);
    // removing a line that is not there is not an error and changes nothing
    await expect(sut.rpc.call(CartRpc.removeItem, { productId: lamp.id }, { actor })).resolves.toEqual(removed);

    const cleared = await sut.rpc.call(CartRpc.clear, {}, { actor });
    expect(cleared).toMatchObject({ items: [], lineCount: 0 });
    expect(await redis.exists(space.keys.cart(actor.userId))).toBe(0);
    expect(await redis.smembers(space.keys.byProduct(mug.id))).not.toContain(actor.userId);
    await expect(sut.rpc.call(CartRpc.clear, {}, { actor })).resolves.toEqual(cleared);
  });

  it('keeps a cart CART_TTL_SECONDS after its last use, reads included', async () => {
    const actor = newUser();
    await sut.rpc.call(CartRpc.setItem, { productId: lamp.id, quantity: 1 }, { actor });
    const key = space.keys.cart(actor.userId);
    const index = space.keys.byProduct(lamp.id);
    expect(await redis.ttl(key)).toBeGreaterThan(TTL - 5);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(TTL);
    expect(await redis.ttl(index)).toBeGreaterThan(TTL - 5);

    await redis.expire(key, 10);
    await redis.expire(index, 10);
    await sut.rpc.call(CartRpc.get, {}, { actor });
    expect(await redis.ttl(key)).toBeGreaterThan(TTL - 5);
    expect(await redis.ttl(index)).toBeGreaterThan(TTL - 5);

    await redis.expire(key, 10);
    await sut.rpc.call(CartRpc.setItem, { productId: mug.id, quantity: 1 }, { actor });
    expect(await redis.ttl(key)).toBeGreaterThan(TTL - 5);
  });

  it.each([
    ['quantity 0', { quantity: 0 }, 'quantity'],
    ['quantity 100', { quantity: 100 }, 'quantity'],
    ['quantity 1.5', { quantity: 1.5 }, 'quantity'],
    ['quantity "2"', { quantity: '2' }, 'quantity'],
    ['no quantity', {}, 'quantity'],
    ['a price', { quantity: 1, unitPrice: { amount: 1, currency: 'EUR' } }, 'unitPrice'],
    ['a user id', { quantity: 1, userId: randomUUID() }, 'userId'],
  ])('refuses %s with VALIDATION.FAILED, writing nothing', async (_name, fields, field) => {
    const actor = newUser();
    await sut.rpc.call(CartRpc.setItem, { productId: mug.id, quantity: 3 }, { actor });
    const before = await stored(actor);
    await expect(sut.rpc.call(CartRpc.setItem, { productId: lamp.id, ...fields } as never, { actor })).rejects.toMatchObject({
      code: 'VALIDATION.FAILED',
      errors: [expect.objectContaining({ field })],
    });
    expect(await stored(actor)).toEqual(before);
    expect(await redis.smembers(space.keys.byProduct(lamp.id))).not.toContain(actor.userId);
  });

  it('refuses an unknown and an inactive product, and one in another currency, writing nothing', async () => {
    const actor = newUser();
    for (const productId of [randomUUID(), withdrawn.id]) {
      await expect(sut.rpc.call(CartRpc.setItem, { productId, quantity: 1 }, { actor })).rejects.toMatchObject({
        code: 'CART.PRODUCT_UNAVAILABLE',
      });
    }
    expect(await redis.exists(space.keys.cart(actor.userId))).toBe(0);
    await sut.rpc.call(CartRpc.setItem, { productId: lamp.id, quantity: 1 }, { actor });
    const before = await stored(actor);
    await expect(sut.rpc.call(CartRpc.setItem, { productId: dollar.id, quantity: 1 }, { actor })).rejects.toMatchObject({
      code: 'CART.CURRENCY_MISMATCH',
    });
    expect(await stored(actor)).toEqual(before);
    // alone in a cart, a dollar product is fine
    await expect(
      sut.rpc.call(CartRpc.setItem, { productId: dollar.id, quantity: 1 }, { actor: newUser() }),
    ).resolves.toMatchObject({
      total: { amount: 700, currency: 'USD' },
    });
  });

  it('holds at most 50 lines, even when 51 are added at once, and loses none of them', async () => {
    const actor = newUser();
    const results = await Promise.allSettled(
      many.map((p) => sut.rpc.call(CartRpc.setItem, { productId: p.id, quantity: 1 }, { actor })),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ reason: { code: 'CART.TOO_MANY_LINES' } });
    const cart = await sut.rpc.call(CartRpc.get, {}, { actor });
    expect(cart.lineCount).toBe(50);
    const added = many.filter((_, i) => results[i]?.status === 'fulfilled').map((p) => p.id);
    expect(cart.items.map((i) => i.productId).sort()).toEqual(added.sort());

    const before = await stored(actor);
    const missing = many.find((p) => !added.includes(p.id)) as Product;
    await expect(sut.rpc.call(CartRpc.setItem, { productId: missing.id, quantity: 1 }, { actor })).rejects.toMatchObject({
      code: 'CART.TOO_MANY_LINES',
    });
    expect(await stored(actor)).toEqual(before);
    // a full cart's lines can still change
    await expect(sut.rpc.call(CartRpc.setItem, { productId: added[0] ?? '', quantity: 9 }, { actor })).resolves.toMatchObject({
      lineCount: 50,
    });
  });

  it.each([
    ['get', () => sut.rpc.call(CartRpc.get, {})],
    ['setItem', () => sut.rpc.call(CartRpc.setItem, { productId: lamp.id, quantity: 1 })],
    ['removeItem', () => sut.rpc.call(CartRpc.removeItem, { productId: lamp.id })],
    ['clear', () => sut.rpc.call(CartRpc.clear, {})],
    ['get with a malformed actor', () => sut.rpc.call(CartRpc.get, {}, { actor: { userId: 'someone', role: 'customer' } })],
  ])('refuses %s without a verified user', async (_name, call) => {
    await expect(call()).rejects.toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
  });

  it("never shows or changes another user's cart", async () => {
    const alice = newUser();
    const bob = newUser();
    const hers = await sut.rpc.call(CartRpc.setItem, { productId: lamp.id, quantity: 2 }, { actor: alice });
    await expect(sut.rpc.call(CartRpc.get, {}, { actor: bob })).resolves.toMatchObject({ items: [], lineCount: 0 });
    await sut.rpc.call(CartRpc.removeItem, { productId: lamp.id }, { actor: bob });
    await sut.rpc.call(CartRpc.clear, {}, { actor: bob });
    await sut.rpc.call(CartRpc.setItem, { productId: mug.id, quantity: 1 }, { actor: bob });
    await expect(sut.rpc.call(CartRpc.get, {}, { actor: alice })).resolves.toEqual(hers);
  });
});
