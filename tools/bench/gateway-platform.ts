/**
 * The processes of `npm run bench:gateway`: catalog (seeded), identity, inventory and orders on fresh
 * test databases (the gateway's readiness includes inventory and orders; orders needs no payments to be
 * ready), cart (Redis), the full gateway, all from `dist/`, and bare forwarding gateways
 * (`bare-gateway.ts`) on demand. The apps use a Kafka broker of the bench's own (`PrivateKafka`): they
 * join fixed consumer groups, which must not meet the processes of suites running on the shared broker.
 * Everything started here is registered with the {@link Teardown}: processes stopped, databases
 * dropped, rate-limit counters, keys and logs removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateDevKeyPair } from '@shopmesh/auth';
import {
  AppProcess,
  REPO_ROOT,
  createTestDatabase,
  dropTestDatabase,
  freePort,
  pgConnectionOf,
  testEnv,
  waitUntil,
} from '@shopmesh/testing';
import { Redis } from 'ioredis';
import { PrivateKafka } from '../infra/private-kafka';
import type { Teardown } from './teardown';

export type Adapter = 'express' | 'fastify';

export interface BareGateway {
  adapter: Adapter;
  url: string;
  pid: number | undefined;
}

export interface GatewayPlatform {
  env: Record<string, string>;
  catalog: AppProcess;
  identity: AppProcess;
  cart: AppProcess;
  inventory: AppProcess;
  orders: AppProcess;
  gateway: AppProcess;
  /** Starts a bare forwarding gateway on `adapter` in its own process, to the same catalog. */
  startBare(adapter: Adapter): Promise<BareGateway>;
}

export interface PlatformOptions {
  /** Options of `node` for the gateway process (`--cpu-prof …`). */
  gatewayNodeArgs?: readonly string[];
  /** Variables of the gateway process on top of the others (`LOG_LEVEL`…). */
  gatewayEnv?: Record<string, string>;
}

/** Runs one of the built scripts (migrations, seed) with `env`; rejects on a non-zero exit. */
function runBuilt(script: string, env: Record<string, string>): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [resolve(REPO_ROOT, script)], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`${script} exited with ${code}`))));
  });
}

async function deleteKeys(redisUrl: string, pattern: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}

export async function startGatewayPlatform(teardown: Teardown, options: PlatformOptions = {}): Promise<GatewayPlatform> {
  const keysDir = mkdtempSync(join(tmpdir(), 'shopmesh-bench-keys-'));
  teardown.add('remove the access-token keys', () => rmSync(keysDir, { recursive: true, force: true }));
  const keys = generateDevKeyPair(keysDir);
  const kafka = await PrivateKafka.create();
  teardown.add('stop the private Kafka and delete its data', () => kafka.destroy());
  await kafka.start();
  // testEnv: rate limits at 100000-1000000 per window under a fresh key prefix, so nothing is refused
  const base = testEnv({
    LOG_LEVEL: 'warn',
    SHUTDOWN_DRAIN_MS: '300',
    KAFKA_BROKERS: kafka.brokers,
    JWT_PRIVATE_KEY_FILE: keys.privateKeyPath,
    JWT_PUBLIC_KEY_FILE: keys.publicKeyPath,
  });
  teardown.add('delete the rate-limit counters', async () => {
    const deleted = await deleteKeys(base.REDIS_URL ?? '', `${base.RATE_LIMIT_KEY_PREFIX}:*`);
    process.stderr.write(`cleanup: ${deleted} rate-limit counter(s) deleted\n`);
  });
  const conn = pgConnectionOf(base);
  const catalogDb = await createTestDatabase(conn, 'shopmesh_catalog', 'bench');
  teardown.add(`drop ${catalogDb}`, () => dropTestDatabase(conn, catalogDb));
  const identityDb = await createTestDatabase(conn, 'shopmesh_identity', 'bench');
  teardown.add(`drop ${identityDb}`, () => dropTestDatabase(conn, identityDb));
  const inventoryDb = await createTestDatabase(conn, 'shopmesh_inventory', 'bench');
  teardown.add(`drop ${inventoryDb}`, () => dropTestDatabase(conn, inventoryDb));
  const ordersDb = await createTestDatabase(conn, 'shopmesh_orders', 'bench');
  teardown.add(`drop ${ordersDb}`, () => dropTestDatabase(conn, ordersDb));
  const ports: number[] = [];
  for (let i = 0; i < 11; i += 1) ports.push(await freePort());
  const [
    catalogTcp,
    catalogOps,
    identityTcp,
    identityOps,
    cartTcp,
    cartOps,
    gatewayPort,
    inventoryTcp,
    inventoryOps,
    ordersTcp,
    ordersOps,
  ] = ports as [number, number, number, number, number, number, number, number, number, number, number];
  const env = {
    ...base,
    CATALOG_DB_NAME: catalogDb,
    CATALOG_TCP_PORT: String(catalogTcp),
    CATALOG_ADDRESSES: `127.0.0.1:${catalogTcp}`,
    CATALOG_OPS_PORT: String(catalogOps),
    CATALOG_OPS_HOST: '127.0.0.1',
    IDENTITY_DB_NAME: identityDb,
    IDENTITY_TCP_PORT: String(identityTcp),
    IDENTITY_ADDRESSES: `127.0.0.1:${identityTcp}`,
    IDENTITY_OPS_PORT: String(identityOps),
    IDENTITY_OPS_HOST: '127.0.0.1',
    CART_TCP_PORT: String(cartTcp),
    CART_ADDRESSES: `127.0.0.1:${cartTcp}`,
    CART_OPS_PORT: String(cartOps),
    CART_OPS_HOST: '127.0.0.1',
    INVENTORY_DB_NAME: inventoryDb,
    INVENTORY_TCP_PORT: String(inventoryTcp),
    INVENTORY_ADDRESSES: `127.0.0.1:${inventoryTcp}`,
    INVENTORY_OPS_PORT: String(inventoryOps),
    INVENTORY_OPS_HOST: '127.0.0.1',
    ORDERS_DB_NAME: ordersDb,
    ORDERS_TCP_PORT: String(ordersTcp),
    ORDERS_ADDRESSES: `127.0.0.1:${ordersTcp}`,
    ORDERS_OPS_PORT: String(ordersOps),
    ORDERS_OPS_HOST: '127.0.0.1',
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_HOST: '127.0.0.1',
  };
  await Promise.all([
    runBuilt('dist/apps/catalog/src/database/migrate.js', env).then(() => runBuilt('dist/apps/catalog/src/seed/seed.js', env)),
    runBuilt('dist/apps/identity/src/database/migrate.js', env),
    runBuilt('dist/apps/inventory/src/database/migrate.js', env),
    runBuilt('dist/apps/orders/src/database/migrate.js', env),
  ]);

  const started = (app: AppProcess): AppProcess => {
    teardown.add(`stop ${app.app}`, async () => {
      await app.stop();
      rmSync(app.logFile, { force: true });
    });
    return app;
  };
  const catalog = started(new AppProcess('catalog', env, catalogOps));
  const identity = started(new AppProcess('identity', env, identityOps));
  const cart = started(new AppProcess('cart', env, cartOps));
  await Promise.all([catalog.start(), identity.start(), cart.start()]);
  // orders calls catalog and cart: after them; seven Nest apps on a busy 2-core machine take a while
  const inventory = started(new AppProcess('inventory', env, inventoryOps));
  const orders = started(new AppProcess('orders', env, ordersOps));
  await Promise.all([inventory.start(90_000), orders.start(90_000)]);
  // the gateway logs one line per request, as in production
  const gateway = started(
    new AppProcess('gateway', { ...env, LOG_LEVEL: 'info', ...options.gatewayEnv }, gatewayPort, options.gatewayNodeArgs),
  );
  await gateway.start();
  await waitUntil('the gateway is ready', async () => (await fetch(`${gateway.url}/health/ready`)).status === 200, {
    timeoutMs: 30_000,
  });

  const startBare = async (adapter: Adapter): Promise<BareGateway> => {
    const port = await freePort();
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(__dirname, 'bare-gateway.ts'), adapter, String(port), env.CATALOG_ADDRESSES],
      { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    teardown.add(`stop the bare ${adapter} gateway`, async () => {
      child.stdin?.end();
      child.kill('SIGTERM');
      await exited;
    });
    await new Promise<void>((ok, fail) => {
      child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ok());
      child.once('exit', (code) => fail(new Error(`the bare ${adapter} gateway exited with ${code}`)));
    });
    return { adapter, url: `http://127.0.0.1:${port}`, pid: child.pid };
  };

  return { env, catalog, identity, cart, inventory, orders, gateway, startBare };
}
