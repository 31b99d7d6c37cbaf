import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CatalogRpc, CommitStock, InventoryRpc, ReserveStock, StockReserved } from '@shopmesh/contracts';
import { EnvelopeSchema, MessageHeaders, payloadOf, type Envelope } from '@shopmesh/messaging';
import { waitUntil } from '@shopmesh/testing';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { startCatalog, type CatalogUnderTest } from '../../catalog/test/catalog-harness';
import { ADMIN, envelopeOf, repliesTo, startInventory, type InventoryUnderTest } from './inventory-harness';

describe('inventory over Kafka: commands in, replies out through the outbox, catalog products tracked (real Postgres, Kafka)', () => {
  let sut: InventoryUnderTest;
  let catalog: CatalogUnderTest;
  let producer: Producer;
  let reader: Consumer;
  const replies: Envelope[] = [];

  beforeAll(async () => {
    catalog = await startCatalog('inventory_kafka');
    sut = await startInventory('kafka');
    const kafka = new Kafka({
      clientId: 'inventory-kafka-test',
      brokers: (sut.env.KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    reader = kafka.consumer({ groupId: `inventory-kafka-test-${randomUUID()}` });
    await reader.connect();
    await reader.subscribe({ topic: StockReserved.topic, fromBeginning: false });
    await reader.run({
      eachMessage: ({ message }) => {
        const envelope = EnvelopeSchema.parse(JSON.parse(message.value?.toString() ?? '')) as Envelope;
        if (sut.ours.has(envelope.aggregateId)) replies.push(envelope);
        return Promise.resolve();
      },
    });
    await waitUntil('the reader has its partitions', () => reader.describeGroup().then((g) => g.state === 'Stable'));
    await sleep(1000); // the inventory consumer's new group has resolved where it starts
  });
  afterAll(async () => {
    await reader?.disconnect();
    await producer?.disconnect();
    await sut?.close();
    await catalog?.close();
  });

  const send = (envelope: Envelope) =>
    producer.send({
      topic: ReserveStock.topic,
      acks: -1,
      messages: [
        {
          key: envelope.aggregateId,
          value: JSON.stringify(envelope),
          headers: {
            [MessageHeaders.correlationId]: envelope.correlationId,
            [MessageHeaders.messageType]: `${envelope.type}.v1`,
          },
        },
      ],
    });

  it('a product created in catalog gets a stock row at 0; ReserveStock and CommitStock on the real topic are answered on inventory.events', async () => {
    const sku = sut.newSku();
    const product = await catalog.rpc.call(CatalogRpc.createProduct, {
      sku,
      name: 'Kafka Lamp',
      category: 'home',
      price: { amount: 2500, currency: 'EUR' },
    });
    const tracked = await waitUntil(
      'inventory has a row for the new product',
      () => sut.rpc.call(InventoryRpc.getStock, { sku }, { actor: ADMIN }).catch(() => undefined),
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(tracked).toMatchObject({ sku, onHand: 0, reserved: 0, available: 0 });
    const [row] = await sut.db.query<Array<{ product_id: string }>>(`SELECT product_id FROM stock WHERE sku = $1`, [sku]);
    expect(row?.product_id).toBe(product.id);

    await sut.rpc.call(InventoryRpc.setStock, { sku, onHand: 4 }, { actor: ADMIN });
    const orderId = sut.newOrder();
    const expiresAt = new Date(Date.now() + 600_000).toISOString();
    const reserve = envelopeOf(ReserveStock, orderId, { orderId, items: [{ sku, quantity: 3 }], expiresAt });
    await send(reserve);
    await send(reserve); // the same message twice: processed once
    await send(envelopeOf(CommitStock, orderId, { orderId }));

    await waitUntil('StockReserved and StockCommitted came out', () => replies.length >= 2, { timeoutMs: 20_000 });
    await sleep(500);
    expect(replies.map((r) => r.type)).toEqual(['StockReserved', 'StockCommitted']);
    const [reserved] = replies;
    expect(payloadOf(StockReserved, reserved)).toEqual({ orderId, items: [{ sku, quantity: 3 }], expiresAt });
    expect(reserved?.causationId).toBe(reserve.id);
    expect(reserved?.correlationId).toBe(reserve.correlationId);
    expect((await repliesTo(sut.db, orderId)).map((r) => r.id)).toEqual(replies.map((r) => r.id));
    await expect(sut.rpc.call(InventoryRpc.getStock, { sku }, { actor: ADMIN })).resolves.toMatchObject({
      onHand: 1,
      reserved: 0,
    });
  });

  it('reports its consumers ready and their groups on /health/ready', async () => {
    const ready = (await (await fetch(`${sut.opsUrl}/health/ready`)).json()) as { status: string; info: Record<string, unknown> };
    expect(ready.status).toBe('ok');
    expect(ready.info).toHaveProperty('consumers');
  });
});
