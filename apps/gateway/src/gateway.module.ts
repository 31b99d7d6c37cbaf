import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@shopmesh/bootstrap';
import { loadRpcTls } from '@shopmesh/config';
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
          health: {
            rpcTargets: true,
            redisUrl: config.CATALOG_DISCOVERY === 'redis' ? config.REDIS_URL : undefined,
            timeoutMs: config.HEALTH_CHECK_TIMEOUT_MS,
          },
          drainMs: config.SHUTDOWN_DRAIN_MS,
        }),
        RpcClientModule.register([
          {
            name: 'catalog',
            discovery: config.CATALOG_DISCOVERY,
            addresses: config.CATALOG_ADDRESSES,
            registryRedisUrl: config.REDIS_URL,
            registryNamespace: config.REGISTRY_NAMESPACE,
            timeoutMs: config.RPC_TIMEOUT_MS,
            balancing: config.RPC_BALANCING,
            maxPendingPerInstance: config.RPC_MAX_PENDING_PER_INSTANCE,
            breaker: { failureThreshold: config.RPC_BREAKER_FAILURES, openMs: config.RPC_BREAKER_OPEN_MS },
            maxMessageChars: config.RPC_MAX_MESSAGE_CHARS,
            tls: loadRpcTls(config),
          },
        ]),
      ],
      controllers: [ProductsController],
    };
  }
}
