import { AppProcess, freePort, testEnv, waitUntil } from '@shopmesh/testing';
import { prepareCatalogDatabase } from './catalog-database';
import { prepareIdentityDatabase } from './identity-database';

/** Gateway, identity, catalog and cart as real processes from `dist/`, on fresh test databases (catalog seeded). */
export interface Platform {
  gateway: AppProcess;
  identity: AppProcess;
  catalog: AppProcess;
  cart: AppProcess;
  api: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startPlatform(
  suite: string,
  overrides: Record<string, string> = {},
  /** Variables of the gateway alone (a Redis behind a proxy the test controls, say). */
  gatewayOverrides: Record<string, string> = {},
): Promise<Platform> {
  const base = testEnv({ RPC_TIMEOUT_MS: '1500', HEALTH_CHECK_TIMEOUT_MS: '1000', SHUTDOWN_DRAIN_MS: '1000', ...overrides });
  const [catalogDb, identityDb] = await Promise.all([prepareCatalogDatabase(suite, base), prepareIdentityDatabase(suite, base)]);
  const ports: number[] = [];
  for (let i = 0; i < 7; i += 1) ports.push(await freePort());
  const [tcp, ops, idTcp, idOps, cartTcp, cartOps, http] = ports as [number, number, number, number, number, number, number];
  const env = {
    ...base,
    CATALOG_DB_NAME: catalogDb.database,
    CATALOG_TCP_PORT: String(tcp),
    CATALOG_ADDRESSES: `127.0.0.1:${tcp}`,
    CATALOG_OPS_PORT: String(ops),
    CATALOG_OPS_HOST: '127.0.0.1',
    IDENTITY_DB_NAME: identityDb.database,
    IDENTITY_TCP_PORT: String(idTcp),
    IDENTITY_ADDRESSES: `127.0.0.1:${idTcp}`,
    IDENTITY_OPS_PORT: String(idOps),
    IDENTITY_OPS_HOST: '127.0.0.1',
    CART_TCP_PORT: String(cartTcp),
    CART_ADDRESSES: `127.0.0.1:${cartTcp}`,
    CART_OPS_PORT: String(cartOps),
    CART_OPS_HOST: '127.0.0.1',
    GATEWAY_PORT: String(http),
    GATEWAY_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  const [catalog, identity, cart] = await Promise.all([
    new AppProcess('catalog', env, ops).start(),
    new AppProcess('identity', env, idOps).start(),
    new AppProcess('cart', env, cartOps).start(),
  ]);
  const gateway = await new AppProcess('gateway', { ...env, ...gatewayOverrides }, http).start();
  await waitUntil('the gateway is ready', async () => (await fetch(`${gateway.url}/health/ready`)).status === 200, {
    timeoutMs: 30_000,
  });
  return {
    gateway,
    identity,
    catalog,
    cart,
    api: gateway.url,
    env,
    stop: async () => {
      await Promise.all([gateway.stop(), catalog.stop(), identity.stop(), cart.stop()]);
      await Promise.all([catalogDb.drop(), identityDb.drop()]);
    },
  };
}
