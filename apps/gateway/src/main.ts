import './tracing';
import { runService } from '@shopmesh/bootstrap';
import { configureEdge } from './edge/configure-edge';
import { edgeOptionsOf } from './edge/edge.env';
import { loadGatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { setupOpenApi } from './openapi/setup-openapi';
import { serveConsole } from './ops/serve-console';

runService(
  () => loadGatewayConfig(),
  (config) => GatewayModule.forRoot(config),
  (app, config) => {
    configureEdge(app, edgeOptionsOf(config.app, config.redisUrl ?? ''));
    setupOpenApi(app);
    serveConsole(app);
  },
);
