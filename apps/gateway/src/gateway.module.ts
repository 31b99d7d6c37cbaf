import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import type { DestinationStream } from 'pino';
import type { GatewayConfig } from './gateway.config';
import { ProductsController } from './products/products.controller';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: GatewayModule,
      imports: [ServiceKitModule.forService(config, { logDestination })],
      controllers: [ProductsController],
    };
  }
}
