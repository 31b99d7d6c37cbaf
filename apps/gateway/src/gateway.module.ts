import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import { RpcClientModule } from '@shopmesh/rpc';
import type { DestinationStream } from 'pino';
import type { GatewayConfig } from './gateway.config';
import { ProductsController } from './products/products.controller';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'gateway',
          logging: { level: config.LOG_LEVEL, destination: logDestination },
          health: { rpcTargets: true, timeoutMs: config.HEALTH_CHECK_TIMEOUT_MS },
          drainMs: config.SHUTDOWN_DRAIN_MS,
        }),
        RpcClientModule.register([
          { name: 'catalog', host: config.CATALOG_TCP_HOST, port: config.CATALOG_TCP_PORT, timeoutMs: config.RPC_TIMEOUT_MS },
        ]),
      ],
      controllers: [ProductsController],
    };
  }
}
