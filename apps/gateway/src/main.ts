import { runMain, startApp } from '@shopmesh/bootstrap';
import { loadDotEnv } from '@shopmesh/config';
import { loadGatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { setupOpenApi } from './openapi/setup-openapi';

runMain(async () => {
  loadDotEnv();
  const config = loadGatewayConfig();
  return startApp(GatewayModule.forRoot(config), {
    http: { host: config.GATEWAY_HOST, port: config.GATEWAY_PORT },
    configure: setupOpenApi,
  });
});
