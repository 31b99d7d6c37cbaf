import { AppProcess, freePort, testEnv } from '@shopmesh/testing';
import { prepareCatalogDatabase } from './catalog-database';

/** Gateway and catalog as real processes from `dist/`, on a fresh seeded test database. */
export interface Platform {
  gateway: AppProcess;
  catalog: AppProcess;
  api: string;
  stop(): Promise<void>;
}

export async function startPlatform(suite: string): Promise<Platform> {
  const base = testEnv({ RPC_TIMEOUT_MS: '1500', HEALTH_CHECK_TIMEOUT_MS: '1000', SHUTDOWN_DRAIN_MS: '1000' });
  const db = await prepareCatalogDatabase(suite, base);
  const [tcp, ops, http] = [await freePort(), await freePort(), await freePort()];
  const env = {
    ...base,
    CATALOG_DB_NAME: db.database,
    CATALOG_TCP_PORT: String(tcp),
    CATALOG_ADDRESSES: `127.0.0.1:${tcp}`,
    CATALOG_OPS_PORT: String(ops),
    CATALOG_OPS_HOST: '127.0.0.1',
    GATEWAY_PORT: String(http),
    GATEWAY_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  const catalog = await new AppProcess('catalog', env, ops).start();
  const gateway = await new AppProcess('gateway', env, http).start();
  return {
    gateway,
    catalog,
    api: gateway.url,
    stop: async () => {
      await Promise.all([gateway.stop(), catalog.stop()]);
      await db.drop();
    },
  };
}
