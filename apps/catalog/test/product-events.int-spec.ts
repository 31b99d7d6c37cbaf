import { randomUUID } from 'node:crypto';
import { CatalogRpc, ProductCreated, ProductDeactivated, ProductPriceChanged } from '@shopmesh/contracts';
import { EnvelopeSchema, payloadOf, type Envelope } from '@shopmesh/messaging';
import { waitUntil } from '@shopmesh/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { startCatalog, type CatalogUnderTest } from './catalog-harness';

describe('catalog changes publish their events through the outbox (real Postgres, Redis, Kafka)', () => {
  let sut: CatalogUnderTest;
  let reader: Consumer;
  const events: Envelope[] = [];

  beforeAll(async () => {
    sut = await startCatalog('events');
    const kafka = new Kafka({
      clientId: 'catalog-events-test',
      brokers: (sut.env.KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    });
    reader = kafka.consumer({ groupId: `catalog-events-test-${randomUUID()}` });
    await reader.connect();
    await reader.subscribe({ topic: 'catalog.events', fromBeginning: false });
    await reader.run({
      eachMessage: ({ message }) =>
        Promise.resolve(void events.push(EnvelopeSchema.parse(JSON.parse(message.value?.toString() ?? '')) as Envelope)),
    });
    await waitUntil('the reader has its partitions', () => reader.describeGroup().then((g) => g.state === 'Stable'));
  });
  afterAll(async () => {
    await reader?.disconnect();
    await sut?.close();
  });

  const eventsOf = (id: string) => events.filter((e) => e.aggregateId === id);

  it('publishes ProductCreated, ProductPriceChanged and ProductDeactivated, keyed and ordered by product', async () => {
    const sku = `TEST-${randomUUID().slice(0, 8).toUpperCase()}`;
    const created = await sut.rpc.call(CatalogRpc.createProduct, {
      sku,
      name: 'Test Lamp',
      category: 'home',
      price: { amount: 1999, currency: 'EUR' },
    });
    expect(created).toMatchObject({ sku, version: 1, active: true, description: '' });
    const repriced = await sut.rpc.call(CatalogRpc.updateProduct, {
      id: created.id,
      price: { amount: 2499, currency: 'EUR' },
      productVersion: 1,
    });
    expect(repriced.version).toBe(2);
    await sut.rpc.call(CatalogRpc.deactivateProduct, { id: created.id });

    await waitUntil('three events for the product', () => eventsOf(created.id).length >= 3, { timeoutMs: 15_000 });
    const [first, second, third] = eventsOf(created.id);
    expect(payloadOf(ProductCreated, first)).toEqual({
      productId: created.id,
      sku,
      name: 'Test Lamp',
      category: 'home',
      price: { amount: 1999, currency: 'EUR' },
    });
    expect(payloadOf(ProductPriceChanged, second)).toEqual({
      productId: created.id,
      sku,
      previousPrice: { amount: 1999, currency: 'EUR' },
      price: { amount: 2499, currency: 'EUR' },
      productVersion: 2,
    });
    expect(payloadOf(ProductDeactivated, third)).toEqual({ productId: created.id, sku });
  });

  it('refuses a stale version and a taken SKU, publishing nothing for them', async () => {
    const sku = `TEST-${randomUUID().slice(0, 8).toUpperCase()}`;
    const product = await sut.rpc.call(CatalogRpc.createProduct, {
      sku,
      name: 'Mug',
      category: 'home',
      price: { amount: 900, currency: 'EUR' },
    });
    await expect(
      sut.rpc.call(CatalogRpc.updateProduct, {
        id: product.id,
        price: { amount: 1, currency: 'EUR' },
        productVersion: 7,
      }),
    ).rejects.toMatchObject({
      code: 'CATALOG.VERSION_CONFLICT',
    });
    await expect(
      sut.rpc.call(CatalogRpc.createProduct, { sku, name: 'Mug 2', category: 'home', price: { amount: 1, currency: 'EUR' } }),
    ).rejects.toMatchObject({
      code: 'CATALOG.SKU_TAKEN',
    });
    await waitUntil('the creation event', () => eventsOf(product.id).length >= 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(eventsOf(product.id).map((e) => e.type)).toEqual(['ProductCreated']);
    const current = await sut.rpc.call(CatalogRpc.getProduct, { id: product.id });
    expect(current).toMatchObject({ version: 1, price: { amount: 900, currency: 'EUR' } });
  });

  it('reports the outbox on /metrics', async () => {
    const text = await (await fetch(`${sut.opsUrl}/metrics`)).text();
    expect(text).toMatch(/outbox_backlog\{service="catalog"\} \d+/);
    expect(text).toMatch(/outbox_oldest_unpublished_age_seconds\{service="catalog"\} [\d.]+/);
    expect(text).toMatch(/outbox_published_total\{service="catalog"\} [1-9]/);
  });
});
