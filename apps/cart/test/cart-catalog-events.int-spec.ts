import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CartRpc, CatalogRpc, type Actor, type Cart, type Product } from '@shopmesh/contracts';
import { DlqHeaders, EnvelopeSchema, listDeadLetters, type Envelope } from '@shopmesh/messaging';
import { waitUntil } from '@shopmesh/testing';
import type { Redis } from 'ioredis';
import type { Consumer, Producer } from 'kafkajs';
import { startCatalog, type CatalogUnderTest } from '../../catalog/test/catalog-harness';
import { CatalogTopic, deleteKeys, newCartSpace, startCart, testRedis, type CartUnderTest } from './cart-harness';

describe('cart lines follow catalog.events (real Redis, Kafka and catalog)', () => {
  const space = newCartSpace('events');
  let catalog: CatalogUnderTest;
  let sut: CartUnderTest;
  let redis: Redis;
  let topic: CatalogTopic;
  let startedAt: Map<number, number>;
  let reader: Consumer;
  let producer: Producer;
  const published: Envelope[] = [];
  const ours = new Set<string>();

  const newUser = (): Actor => ({ userId: randomUUID(), role: 'customer' });
  const createProduct = async (name: string, amount: number) => {
    const product = await catalog.rpc.call(CatalogRpc.createProduct, {
      sku: `EVT-${randomUUID().slice(0, 8).toUpperCase()}`,
      name,
      category: 'test',
      price: { amount, currency: 'EUR' },
    });
    ours.add(product.id);
    return product;
  };
  const reprice = (product: Product, amount: number) =>
    catalog.rpc.call(CatalogRpc.updateProduct, {
      id: product.id,
      productVersion: product.version,
      price: { amount, currency: 'EUR' },
    });
  const cartOf = (actor: Actor) => sut.rpc.call(CartRpc.get, {}, { actor });
  const lineOf = (cart: Cart, product: Product) => cart.items.find((i) => i.productId === product.id);
  const stored = (actor: Actor) => redis.hget(space.keys.cart(actor.userId), 'body');

  beforeAll(async () => {
    catalog = await startCatalog('cart-events');
    redis = await testRedis();
    topic = await CatalogTopic.connect();
    sut = await startCart(space, catalog);
    await sleep(1000); // the new group has resolved where it starts
    startedAt = await topic.ends();
    reader = topic.kafka.consumer({ groupId: `cart-events-test-${randomUUID()}` });
    await reader.connect();
    await reader.subscribe({ topic: topic.topic, fromBeginning: false });
    await reader.run({
      eachMessage: ({ message }) => {
        const envelope = EnvelopeSchema.parse(JSON.parse(message.value?.toString() ?? '')) as Envelope;
        if (ours.has(envelope.aggregateId)) published.push(envelope);
        return Promise.resolve();
      },
    });
    await waitUntil('the reader has its partitions', () => reader.describeGroup().then((g) => g.state === 'Stable'));
    producer = topic.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await reader?.disconnect();
    await sut?.close();
    if (topic) {
      await topic.deleteGroups([`cart.${space.consumerName}`, `cart.${space.consumerName}-replay`]);
      await topic.close();
    }
    if (redis) {
      await deleteKeys(redis, space.keys);
      redis.disconnect();
    }
    await catalog?.close();
  });

  let lamp: Product;
  let mug: Product;
  const alice = newUser();
  const bob = newUser();

  it('marks the lines of a repriced product within seconds, keeping the total at the added prices', async () => {
    lamp = await createProduct('Lamp', 1000);
    mug = await createProduct('Mug', 300);
    await sut.rpc.call(CartRpc.setItem, { productId: lamp.id, quantity: 2 }, { actor: alice });
    await sut.rpc.call(CartRpc.setItem, { productId: mug.id, quantity: 1 }, { actor: alice });
    await sut.rpc.call(CartRpc.setItem, { productId: lamp.id, quantity: 1 }, { actor: bob });

    lamp = await reprice(lamp, 1200);
    const marked = await waitUntil('alice sees the new lamp price', async () => {
      const cart = await cartOf(alice);
      return lineOf(cart, lamp)?.priceChanged ? cart : undefined;
    });
    expect(lineOf(marked, lamp)).toEqual(
      expect.objectContaining({
        unitPrice: { amount: 1000, currency: 'EUR' },
        priceChanged: true,
        currentUnitPrice: { amount: 1200, currency: 'EUR' },
      }),
    );
    expect(lineOf(marked, mug)).toEqual(expect.objectContaining({ priceChanged: false, unavailable: false }));
    expect(lineOf(marked, mug)).not.toHaveProperty('currentUnitPrice');
    expect(marked.total).toEqual({ amount: 2 * 1000 + 300, currency: 'EUR', basis: 'added-prices' });
    await waitUntil('bob sees it too', async () => lineOf(await cartOf(bob), lamp)?.priceChanged);
  });

  it('clears the mark when the user sets the line again, at the new price', async () => {
    const cart = await sut.rpc.call(CartRpc.setItem, { productId: lamp.id, quantity: 2 }, { actor: alice });
    expect(lineOf(cart, lamp)).toEqual(
      expect.objectContaining({ unitPrice: { amount: 1200, currency: 'EUR' }, priceChanged: false }),
    );
    expect(lineOf(cart, lamp)).not.toHaveProperty('currentUnitPrice');
    expect(cart.total.amount).toBe(2 * 1200 + 300);
  });

  it('clears the mark when the price goes back to the one the user added at', async () => {
    const carol = newUser();
    let vase = await createProduct('Vase', 800);
    await sut.rpc.call(CartRpc.setItem, { productId: vase.id, quantity: 1 }, { actor: carol });
    vase = await reprice(vase, 900);
    await waitUntil('the vase is marked', async () => lineOf(await cartOf(carol), vase)?.priceChanged);
    vase = await reprice(vase, 800);
    await waitUntil('the vase mark is gone', async () => lineOf(await cartOf(carol), vase)?.priceChanged === false);
    expect(lineOf(await cartOf(carol), vase)).not.toHaveProperty('currentUnitPrice');
  });

  it('marks the lines of a withdrawn product unavailable, leaving them out of the total', async () => {
    await catalog.rpc.call(CatalogRpc.deactivateProduct, { id: mug.id });
    const cart = await waitUntil('the mug is unavailable', async () => {
      const c = await cartOf(alice);
      return lineOf(c, mug)?.unavailable ? c : undefined;
    });
    expect(cart.total).toEqual({ amount: 2 * 1200, currency: 'EUR', basis: 'added-prices' });
    await expect(sut.rpc.call(CartRpc.setItem, { productId: mug.id, quantity: 3 }, { actor: alice })).rejects.toMatchObject({
      code: 'CART.PRODUCT_UNAVAILABLE',
    });
  });

  it('applies a change consumed before the line was written (between catalog answering and the write)', async () => {
    const erin = newUser();
    const pen = await createProduct('Pen', 250);
    // what the consumer records of a change it applies while no cart holds the product yet
    await redis.hset(space.keys.product(pen.id), { version: String(pen.version + 1), amount: '275', currency: 'EUR' });
    const cart = await sut.rpc.call(CartRpc.setItem, { productId: pen.id, quantity: 1 }, { actor: erin });
    expect(lineOf(cart, pen)).toEqual(
      expect.objectContaining({
        unitPrice: { amount: 250, currency: 'EUR' },
        priceChanged: true,
        currentUnitPrice: { amount: 275, currency: 'EUR' },
      }),
    );
  });

  it('gives the same carts when catalog events are delivered again, in order or not', async () => {
    await topic.waitUntilConsumed(sut.groupId, { startedAt });
    await waitUntil('the reader saw every event of our products', () => published.length >= 5);
    const before = await Promise.all([alice, bob].map(stored));
    const again = [...published, ...[...published].reverse()];
    await producer.send({
      topic: topic.topic,
      acks: -1,
      messages: again.map((e) => ({ key: e.aggregateId, value: JSON.stringify(e) })),
    });
    await topic.waitUntilConsumed(sut.groupId, { startedAt });
    expect(await Promise.all([alice, bob].map(stored))).toEqual(before);
    expect(lineOf(await cartOf(alice), lamp)).toMatchObject({ priceChanged: false, unitPrice: { amount: 1200 } });
    expect(lineOf(await cartOf(bob), lamp)).toMatchObject({ priceChanged: true, currentUnitPrice: { amount: 1200 } });
  });

  it('gives the same carts when all of catalog.events is replayed from offset 0 by a new group', async () => {
    const before = await Promise.all([alice, bob].map(stored));
    const replaying = await startCart(space, catalog, { replay: { consumerName: `${space.consumerName}-replay` } });
    try {
      await topic.waitUntilConsumed(replaying.groupId, { timeoutMs: 90_000 });
    } catch (error) {
      const metrics = await (await fetch(`${replaying.opsUrl}/metrics`)).text();
      process.stderr.write(
        `${metrics
          .split('\n')
          .filter((l) => l.startsWith('consumer_'))
          .join('\n')}\n${replaying.logs.join('')}\n`,
      );
      throw error;
    } finally {
      await replaying.close();
    }
    expect(await Promise.all([alice, bob].map(stored))).toEqual(before);
  }, 120_000);

  it('leaves no wrong line when cart restarts in the middle of a stream of changes', async () => {
    const dave = newUser();
    let clock = await createProduct('Clock', 1000);
    await sut.rpc.call(CartRpc.setItem, { productId: clock.id, quantity: 1 }, { actor: dave });
    const prices = [1100, 1200, 1300, 1400, 1500, 1600, 1700, 1750];
    let closing: Promise<void> | undefined;
    for (const [i, amount] of prices.entries()) {
      clock = await reprice(clock, amount);
      if (i === 2) closing = sut.close();
      await sleep(50);
    }
    await closing;
    sut = await startCart(space, catalog);
    await topic.waitUntilConsumed(sut.groupId, { startedAt });
    const line = lineOf(await cartOf(dave), clock);
    expect(line).toEqual(
      expect.objectContaining({
        unitPrice: { amount: 1000, currency: 'EUR' },
        priceChanged: true,
        currentUnitPrice: { amount: 1750, currency: 'EUR' },
      }),
    );
    const body = JSON.parse((await stored(dave)) ?? '{}') as { lines: Array<{ productId: string; seenVersion: number }> };
    expect(body.lines.find((l) => l.productId === clock.id)?.seenVersion).toBe(clock.version);
  });
  it('dead-letters a malformed message to catalog.events.dlq with its error, and keeps consuming past it', async () => {
    const key = `poison-${randomUUID()}`;
    await producer.send({ topic: topic.topic, messages: [{ key, value: 'not an envelope' }] });
    const letter = await waitUntil(
      'the poison message is in catalog.events.dlq',
      async () =>
        (await listDeadLetters(topic.kafka, topic.topic, 20_000)).find(
          (l) => l.key === key && l.headers[DlqHeaders.consumer] === sut.groupId,
        ),
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    expect(letter.value).toBe('not an envelope');
    expect(letter.headers[DlqHeaders.error]).toMatch(/malformed/i);
    await topic.waitUntilConsumed(sut.groupId, { startedAt });
  });
});
