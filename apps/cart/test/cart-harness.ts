import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { startApp } from '@shopmesh/bootstrap';
import { createRedisClient } from '@shopmesh/redis';
import { RpcClient } from '@shopmesh/rpc';
import { freePort, testEnv, waitUntil } from '@shopmesh/testing';
import type { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { loadCartConfig } from '../src/cart.config';
import { CartModule } from '../src/cart.module';
import { CartKeys } from '../src/cart/store/cart-keys';
import type { CatalogUnderTest } from '../../catalog/test/catalog-harness';

/** Where one suite's carts live: its own Redis key base and consumer group, shared by its cart instances. */
export interface CartSpace {
  keys: CartKeys;
  consumerName: string;
  namespace: string;
}

export const newCartSpace = (suite: string): CartSpace => {
  const id = randomUUID().slice(0, 8);
  return {
    keys: new CartKeys(`test-cart-${suite}-${id}`),
    consumerName: `catalog-events-${suite}-${id}`,
    namespace: `test-${suite}-${id}`,
  };
};

/** Cart running in-process against the given catalog, with an RPC client pointed at it. */
export interface CartUnderTest {
  app: INestApplication;
  rpc: RpcClient;
  opsUrl: string;
  /** The port of its RPC server (for apps that call it). */
  tcpPort: number;
  /** The Kafka group of its catalog.events consumer. */
  groupId: string;
  logs: string[];
  close(): Promise<void>;
}

export interface StartCartOptions {
  ttlSeconds?: number;
  /** A consumer group of its own reading catalog.events from offset 0 (a replay). */
  replay?: { consumerName: string };
}

export async function startCart(
  space: CartSpace,
  catalog: CatalogUnderTest,
  options: StartCartOptions = {},
): Promise<CartUnderTest> {
  const [tcpPort, opsPort] = [await freePort(), await freePort()];
  const env = testEnv({
    CART_TCP_PORT: String(tcpPort),
    CART_OPS_PORT: String(opsPort),
    CART_OPS_HOST: '127.0.0.1',
    CART_TTL_SECONDS: String(options.ttlSeconds ?? 600),
    CATALOG_DISCOVERY: 'static',
    CATALOG_ADDRESSES: `127.0.0.1:${catalog.env.CATALOG_TCP_PORT}`,
    REGISTRY_NAMESPACE: space.namespace,
  });
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(chunk.toString()), done()) });
  const consumerName = options.replay?.consumerName ?? space.consumerName;
  const module = CartModule.forRoot(loadCartConfig(env), {
    logDestination: sink,
    keyBase: space.keys.base,
    consumerName,
    consumeFromBeginning: Boolean(options.replay),
  });
  const app = await startApp(module, { http: { host: '127.0.0.1', port: opsPort }, tcp: { host: '127.0.0.1', port: tcpPort } });
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  await waitUntil('cart is ready (Redis, Kafka, catalog, consumer)', async () => (await fetch(`${opsUrl}/health/ready`)).ok, {
    timeoutMs: 30_000,
    intervalMs: 200,
  });
  const rpc = RpcClient.forAddresses('cart', [`127.0.0.1:${tcpPort}`], { timeoutMs: 5000 });
  return {
    app,
    rpc,
    opsUrl,
    tcpPort,
    groupId: `cart.${consumerName}`,
    logs,
    close: async () => {
      await rpc.close();
      await app.close();
    },
  };
}

/** A Redis client of the test, to look at and clean up a suite's keys. */
export async function testRedis(): Promise<Redis> {
  const redis = createRedisClient(testEnv().REDIS_URL ?? '', { purpose: 'cart-test', commandTimeoutMs: 2000 });
  await waitUntil('test Redis connected', () => redis.status === 'ready');
  return redis;
}

export async function deleteKeys(redis: Redis, keys: CartKeys): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', keys.all(), 'COUNT', 500);
    if (found.length > 0) await redis.del(...found);
    cursor = next;
  } while (cursor !== '0');
}

/** Kafka as the tests see it: the end of catalog.events, and whether a group has consumed up to a point. */
export class CatalogTopic {
  readonly topic = 'catalog.events';
  private constructor(
    readonly kafka: Kafka,
    private readonly admin: Admin,
  ) {}

  static async connect(): Promise<CatalogTopic> {
    const kafka = new Kafka({
      clientId: 'cart-test',
      brokers: (testEnv().KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    return new CatalogTopic(kafka, admin);
  }

  /** The offset after the last message of each partition. */
  async ends(): Promise<Map<number, number>> {
    const offsets = await this.admin.fetchTopicOffsets(this.topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  /** Waits until `groupId` has consumed and committed every message now in the topic. */
  async waitUntilConsumed(
    groupId: string,
    { startedAt, timeoutMs = 30_000 }: { startedAt?: Map<number, number>; timeoutMs?: number } = {},
  ) {
    const target = await this.ends();
    await waitUntil(
      `${groupId} has consumed catalog.events up to ${JSON.stringify([...target])}`,
      async () => {
        const [committed] = await this.admin.fetchOffsets({ groupId, topics: [this.topic] });
        const at = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
        // a group that started at the end commits nothing on a partition that got no message since
        const behind = [...target].filter(
          ([p, end]) => !((at.get(p) ?? -1) >= end || ((at.get(p) ?? -1) < 0 && startedAt?.get(p) === end)),
        );
        if (behind.length > 0)
          throw new Error(`behind on ${behind.map(([p, end]) => `${p}: ${at.get(p) ?? -1}/${end}`).join(', ')}`);
        return true;
      },
      { timeoutMs, intervalMs: 200 },
    );
  }

  /** Deletes consumer groups a suite made (once their members have left). */
  async deleteGroups(groupIds: string[]): Promise<void> {
    await this.admin.deleteGroups(groupIds).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.admin.disconnect();
  }
}
