import { SERVICE_NAMES } from '@shopmesh/config';
import { AppProcess, freePort, testEnv, waitUntil } from '@shopmesh/testing';
import { skipIdleGroupsToEnd } from '../../tools/infra/kafka/kafka-admin';
import { prepareCatalogDatabase } from './catalog-database';
import { prepareIdentityDatabase } from './identity-database';
import { prepareServiceDatabase, type CheckoutService, type MigrateDatabase } from './service-databases';

/** The test database of each app that owns one (what `npm run check:invariants` reads, say). */
export interface PlatformDatabases {
  identity: string;
  catalog: string;
  inventory: string;
  orders: string;
  payments: string;
}

/**
 * Every app as a real process from `dist/`, each on a fresh test database (catalog seeded):
 * gateway, identity, catalog, cart, inventory, orders and payments.
 */
export interface Platform {
  gateway: AppProcess;
  identity: AppProcess;
  catalog: AppProcess;
  cart: AppProcess;
  inventory: AppProcess;
  orders: AppProcess;
  payments: AppProcess;
  /** The further instances of scaled services (`startPlatform`'s `scale`): `orders#2`… */
  extra: Array<{ name: string; app: AppProcess }>;
  api: string;
  env: Record<string, string>;
  databases: PlatformDatabases;
  stop(): Promise<void>;
}

/** Apps with a TCP server (and an ops port), in the order their ports are handed out. */
const SERVICES = ['catalog', 'identity', 'cart', 'inventory', 'orders', 'payments'] as const;

/** A platform's databases, ports and environment, before any app runs (for a supervisor to start them, say). */
export interface PreparedPlatform {
  /** Variables of every app: test defaults, the overrides, each app's ports and database. */
  env: Record<string, string>;
  databases: PlatformDatabases;
  /** The HTTP port of each app: the ops port of a service, the gateway's API port. */
  httpPorts: Record<(typeof SERVICES)[number] | 'gateway', number>;
  /** Drops the test databases. */
  dropAll(): Promise<unknown>;
}

/**
 * Fresh test databases (catalog seeded) and free ports for every app, and the variables that point the apps at them;
 * `migrations` in place of a service's current ones (an earlier release's, for an upgrade test).
 */
export async function preparePlatform(
  suite: string,
  overrides: Record<string, string> = {},
  migrations: Partial<Record<CheckoutService, MigrateDatabase>> = {},
): Promise<PreparedPlatform> {
  const base = testEnv({ RPC_TIMEOUT_MS: '1500', HEALTH_CHECK_TIMEOUT_MS: '1000', SHUTDOWN_DRAIN_MS: '1000', ...overrides });
  const prepared = await Promise.allSettled([
    prepareCatalogDatabase(suite, base),
    prepareIdentityDatabase(suite, base),
    prepareServiceDatabase('inventory', suite, base, migrations.inventory),
    prepareServiceDatabase('orders', suite, base, migrations.orders),
    prepareServiceDatabase('payments', suite, base, migrations.payments),
  ]);
  const failed = prepared.find((p) => p.status === 'rejected');
  if (failed) {
    await Promise.allSettled(prepared.flatMap((p) => (p.status === 'fulfilled' ? [p.value.drop()] : [])));
    throw failed.reason;
  }
  const [catalogDb, identityDb, inventoryDb, ordersDb, paymentsDb] = prepared.map(
    (p) => (p as PromiseFulfilledResult<{ database: string; drop: () => Promise<void> }>).value,
  ) as [
    { database: string; drop: () => Promise<void> },
    { database: string; drop: () => Promise<void> },
    { database: string; drop: () => Promise<void> },
    { database: string; drop: () => Promise<void> },
    { database: string; drop: () => Promise<void> },
  ];
  const dropAll = () => Promise.all([catalogDb, identityDb, inventoryDb, ordersDb, paymentsDb].map((d) => d.drop()));
  const databases: PlatformDatabases = {
    identity: identityDb.database,
    catalog: catalogDb.database,
    inventory: inventoryDb.database,
    orders: ordersDb.database,
    payments: paymentsDb.database,
  };
  const ports = new Map<string, { tcp: number; ops: number }>();
  for (const name of SERVICES) ports.set(name, { tcp: await freePort(), ops: await freePort() });
  const http = await freePort();
  const serviceEnv = Object.fromEntries(
    SERVICES.flatMap((name) => {
      const { tcp, ops } = ports.get(name) as { tcp: number; ops: number };
      const p = name.toUpperCase();
      return [
        [`${p}_TCP_PORT`, String(tcp)],
        [`${p}_ADDRESSES`, `127.0.0.1:${tcp}`],
        [`${p}_ADVERTISED_ADDRESS`, `127.0.0.1:${tcp}`],
        [`${p}_OPS_PORT`, String(ops)],
        [`${p}_OPS_HOST`, '127.0.0.1'],
      ];
    }),
  );
  const env: Record<string, string> = {
    ...base,
    ...serviceEnv,
    CATALOG_DB_NAME: databases.catalog,
    IDENTITY_DB_NAME: databases.identity,
    INVENTORY_DB_NAME: databases.inventory,
    ORDERS_DB_NAME: databases.orders,
    PAYMENTS_DB_NAME: databases.payments,
    GATEWAY_PORT: String(http),
    GATEWAY_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  const httpPorts = {
    ...(Object.fromEntries(SERVICES.map((name) => [name, (ports.get(name) as { ops: number }).ops])) as Record<
      (typeof SERVICES)[number],
      number
    >),
    gateway: http,
  };
  return { env, databases, httpPorts, dropAll };
}

export async function startPlatform(
  suite: string,
  /** Variables of every app (short saga deadlines for a timeout test: `ORDER_STEP_TIMEOUT_MS`, say). */
  overrides: Record<string, string> = {},
  /** Variables of the gateway alone (a Redis behind a proxy the test controls, say). */
  gatewayOverrides: Record<string, string> = {},
  /** Instances of a service beyond one (`{ orders: 2 }`): each its own ports; its callers balance over all. */
  scale: Partial<Record<'inventory' | 'orders' | 'payments', number>> = {},
): Promise<Platform> {
  const { env, databases, httpPorts, dropAll } = await preparePlatform(suite, overrides);
  const extraPorts: Array<{ service: 'inventory' | 'orders' | 'payments'; name: string; tcp: number; ops: number }> = [];
  for (const [service, count] of Object.entries(scale) as Array<['inventory' | 'orders' | 'payments', number]>) {
    const P = service.toUpperCase();
    for (let i = 2; i <= count; i += 1) {
      const ports = { tcp: await freePort(), ops: await freePort() };
      extraPorts.push({ service, name: `${service}#${i}`, ...ports });
      env[`${P}_ADDRESSES`] = `${env[`${P}_ADDRESSES`]},127.0.0.1:${ports.tcp}`;
    }
  }
  // the services' groups have fixed names on a broker other suites used: none inherits what they left unread
  await skipIdleGroupsToEnd(
    (env.KAFKA_BROKERS ?? '').split(','),
    SERVICE_NAMES.map((name) => `${name}.`),
  );
  const http = httpPorts.gateway;
  const opsPort = (name: (typeof SERVICES)[number]) => httpPorts[name];
  const started: AppProcess[] = [];
  const start = async (name: string, port: number, vars = env): Promise<AppProcess> => {
    const app = new AppProcess(name, vars, port);
    started.push(app);
    return app.start(90_000);
  };
  try {
    // in two waves (orders calls catalog and cart), each given 90 s: seven Nest apps booting on a
    // small machine that is also running other suites can take longer than 30 s
    const [catalog, identity, cart] = await Promise.all([
      start('catalog', opsPort('catalog')),
      start('identity', opsPort('identity')),
      start('cart', opsPort('cart')),
    ]);
    const [inventory, payments, orders] = await Promise.all([
      start('inventory', opsPort('inventory')),
      start('payments', opsPort('payments')),
      start('orders', opsPort('orders')),
    ]);
    const extra = await Promise.all(
      extraPorts.map(async ({ service, name, tcp, ops }) => {
        const P = service.toUpperCase();
        const vars = {
          ...env,
          [`${P}_TCP_PORT`]: String(tcp),
          [`${P}_ADVERTISED_ADDRESS`]: `127.0.0.1:${tcp}`,
          [`${P}_OPS_PORT`]: String(ops),
        };
        return { name, app: await start(service, ops, vars) };
      }),
    );
    // a consumer that has not joined its group yet would miss the first commands: wait until each is ready
    await Promise.all(
      [inventory, orders, payments, ...extra.map((e) => e.app)].map((app) =>
        waitUntil(`${app.app} is ready`, async () => (await fetch(`${app.url}/health/ready`)).status === 200, {
          timeoutMs: 60_000,
        }),
      ),
    );
    const gateway = await start('gateway', http, { ...env, ...gatewayOverrides });
    await waitUntil('the gateway is ready', async () => (await fetch(`${gateway.url}/health/ready`)).status === 200, {
      timeoutMs: 30_000,
    });
    return {
      gateway,
      identity,
      catalog,
      cart,
      inventory,
      orders,
      payments,
      extra,
      api: gateway.url,
      env,
      databases,
      stop: async () => {
        await gateway.stop();
        await Promise.all(
          [catalog, identity, cart, inventory, orders, payments, ...extra.map((e) => e.app)].map((app) => app.stop()),
        );
        await dropAll();
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((app) => app.stop()));
    await dropAll();
    throw error;
  }
}
