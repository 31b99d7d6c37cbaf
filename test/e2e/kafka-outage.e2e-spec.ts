import { CatalogRpc, ProductPriceChanged } from '@shopmesh/contracts';
import { EnvelopeSchema, payloadOf, type Envelope } from '@shopmesh/messaging';
import { RpcClient } from '@shopmesh/rpc';
import {
  AppProcess,
  createTestDatabase,
  dropTestDatabase,
  freePort,
  pgConnectionOf,
  testEnv,
  waitUntil,
} from '@shopmesh/testing';
import { Kafka, logLevel } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrateCatalog } from '../../apps/catalog/src/database/migrate';
import { PrivateKafka } from './private-kafka';

const OUTAGE_MS = 30_000;

const readiness = async (url: string) => {
  const res = await fetch(`${url}/health/ready`);
  return { status: res.status, body: (await res.json()) as { details: Record<string, { status: string }> } };
};

/**
 * Kafka stopped for 30 s under a steady stream of state changes, then started again:
 * nothing lost, nothing reordered per key, and catalog was unready meanwhile.
 */
describe('Kafka outage under a stream of catalog changes (real processes, private Kafka)', () => {
  let kafka: PrivateKafka;
  let catalog: AppProcess;
  let rpc: RpcClient;
  let database: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    kafka = await PrivateKafka.create();
    await kafka.start();
    const base = testEnv({ KAFKA_BROKERS: kafka.brokers, HEALTH_CHECK_TIMEOUT_MS: '1000', OUTBOX_POLL_INTERVAL_MS: '20' });
    database = await createTestDatabase(pgConnectionOf(base), 'shopmesh_catalog', 'e2e_outage');
    const [tcp, ops] = [await freePort(), await freePort()];
    env = {
      ...base,
      CATALOG_DB_NAME: database,
      CATALOG_TCP_PORT: String(tcp),
      CATALOG_OPS_PORT: String(ops),
      CATALOG_OPS_HOST: '127.0.0.1',
    };
    await migrateCatalog(env);
    catalog = await new AppProcess('catalog', env, ops).start();
    rpc = RpcClient.forAddresses('catalog', [`127.0.0.1:${tcp}`], { timeoutMs: 3000 });
  }, 120_000);

  afterAll(async () => {
    await rpc?.close();
    await catalog?.stop();
    await kafka?.destroy();
    if (database) await dropTestDatabase(pgConnectionOf(env), database);
  });

  it('publishes every change made while Kafka was down, in order per product, once Kafka is back', async () => {
    const products = await Promise.all(
      ['A', 'B', 'C', 'D', 'E'].map((n) =>
        rpc.call(CatalogRpc.createProduct, {
          sku: `OUTAGE-${n}`,
          name: `Product ${n}`,
          category: 'test',
          price: { amount: 100, currency: 'EUR' },
        }),
      ),
    );
    await waitUntil('catalog ready', async () => (await readiness(catalog.url)).status === 200, { timeoutMs: 20_000 });

    const changes = new Map<string, number[]>(products.map((p) => [p.id, []]));
    const versions = new Map<string, number>(products.map((p) => [p.id, p.version]));
    let streaming = true;
    const stream = (async () => {
      for (let i = 0; streaming; i += 1) {
        const product = products[i % products.length];
        const changed = await rpc.call(CatalogRpc.updateProduct, {
          id: product.id,
          productVersion: versions.get(product.id) ?? 1,
          price: { amount: 200 + i, currency: 'EUR' }, // never the creation price: each change is a real one
        });
        versions.set(product.id, changed.version);
        changes.get(product.id)?.push(changed.version);
        await sleep(50);
      }
    })();

    await sleep(2000);
    await kafka.stop();
    const outageStarted = Date.now();
    const unready = await waitUntil(
      'catalog reports kafka down',
      async () => {
        const r = await readiness(catalog.url);
        return r.status === 503 && r.body.details.kafka?.status === 'down' && r;
      },
      { timeoutMs: 10_000 },
    );
    expect(unready.status).toBe(503);
    await sleep(OUTAGE_MS - (Date.now() - outageStarted));
    await kafka.start();
    await waitUntil('catalog is ready again', async () => (await readiness(catalog.url)).status === 200, { timeoutMs: 30_000 });
    await sleep(1000);
    streaming = false;
    await stream;

    const made = [...changes.values()].reduce((n, v) => n + v.length, 0);
    expect(made).toBeGreaterThan(100); // the stream kept changing state during the outage

    const received = await readPriceChanges(kafka.brokers, new Set(changes.keys()), made);
    for (const [id, versions] of changes) {
      expect(received.get(id)).toEqual(versions); // every change, once, in order
    }
  }, 150_000);
});

/** The productVersion of each ProductPriceChanged, per product, first deliveries only. */
async function readPriceChanges(brokers: string, ids: Set<string>, expected: number): Promise<Map<string, number[]>> {
  const client = new Kafka({ clientId: 'outage-reader', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = client.consumer({ groupId: `outage-reader-${Date.now()}` });
  const seen = new Set<string>();
  const byProduct = new Map<string, number[]>();
  let count = 0;
  await consumer.connect();
  await consumer.subscribe({ topic: 'catalog.events', fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      const envelope = EnvelopeSchema.parse(JSON.parse(message.value?.toString() ?? '')) as Envelope;
      if (envelope.type !== ProductPriceChanged.type || !ids.has(envelope.aggregateId) || seen.has(envelope.id))
        return Promise.resolve();
      seen.add(envelope.id);
      count += 1;
      const { productVersion } = payloadOf(ProductPriceChanged, envelope);
      byProduct.set(envelope.aggregateId, [...(byProduct.get(envelope.aggregateId) ?? []), productVersion]);
      return Promise.resolve();
    },
  });
  try {
    await waitUntil(`all ${expected} price changes are on Kafka`, () => count >= expected, { timeoutMs: 60_000 });
    await sleep(500);
    return byProduct;
  } finally {
    await consumer.disconnect();
  }
}
