import { runMain, startApp } from '@shopmesh/bootstrap';
import { loadDotEnv, loadRpcTls } from '@shopmesh/config';
import { loadCatalogConfig } from './catalog.config';
import { CatalogModule } from './catalog.module';

runMain(async () => {
  loadDotEnv();
  const config = loadCatalogConfig();
  return startApp(CatalogModule.forRoot(config), {
    http: { host: config.CATALOG_OPS_HOST, port: config.CATALOG_OPS_PORT },
    tcp: {
      host: config.CATALOG_TCP_HOST,
      port: config.CATALOG_TCP_PORT,
      maxMessageChars: config.RPC_MAX_MESSAGE_CHARS,
      tls: loadRpcTls(config),
    },
  });
});
