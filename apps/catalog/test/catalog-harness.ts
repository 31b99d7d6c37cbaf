import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { startApp } from '@shopmesh/bootstrap';
import { RpcClient } from '@shopmesh/rpc';
import { createTestDatabase, dropTestDatabase, freePort, pgConnectionOf, testEnv } from '@shopmesh/testing';
import { loadCatalogConfig } from '../src/catalog.config';
import { CatalogModule } from '../src/catalog.module';
import { migrateCatalog } from '../src/database/migrate';

/** Catalog running in-process on its own fresh test database, with an RPC client pointed at it. */
export interface CatalogUnderTest {
  app: INestApplication;
  rpc: RpcClient;
  opsUrl: string;
  env: Record<string, string>;
  logs: string[];
  close(): Promise<void>;
}

export async function startCatalog(suite: string, overrides: Record<string, string> = {}): Promise<CatalogUnderTest> {
  const base = testEnv(overrides);
  const database = await createTestDatabase(pgConnectionOf(base), 'shopmesh_catalog', suite);
  const [tcpPort, opsPort] = [await freePort(), await freePort()];
  const env = {
    ...base,
    CATALOG_DB_NAME: database,
    CATALOG_TCP_PORT: String(tcpPort),
    CATALOG_OPS_PORT: String(opsPort),
    CATALOG_OPS_HOST: '127.0.0.1',
  };
  await migrateCatalog(env);
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(chunk.toString()), done()) });
  const app = await startApp(CatalogModule.forRoot(loadCatalogConfig(env), sink), {
    http: { host: '127.0.0.1', port: opsPort },
    tcp: { host: '127.0.0.1', port: tcpPort },
  });
  const rpc = RpcClient.forAddresses('catalog', [`127.0.0.1:${tcpPort}`], { timeoutMs: 3000 });
  return {
    app,
    rpc,
    env,
    logs,
    opsUrl: `http://127.0.0.1:${opsPort}`,
    close: async () => {
      await rpc.close();
      await app.close();
      await dropTestDatabase(pgConnectionOf(env), database);
    },
  };
}
