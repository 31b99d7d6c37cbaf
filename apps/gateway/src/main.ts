import { runService } from '@shopmesh/bootstrap';
import { loadGatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { setupOpenApi } from './openapi/setup-openapi';

runService(
  () => loadGatewayConfig(),
  (config) => GatewayModule.forRoot(config),
  setupOpenApi,
);
