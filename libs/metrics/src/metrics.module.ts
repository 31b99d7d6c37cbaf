import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { httpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { Metrics } from './metrics.service';
import { RpcServerMetricsInterceptor } from './rpc-server-metrics.interceptor';

/**
 * Prometheus metrics at `GET /metrics`, HTTP and served-RPC latency histograms. The served-RPC
 * interceptor is registered only for an app with an RPC server (`rpcServer`): a global
 * interceptor also wraps every HTTP handler in Nest's interceptor chain (RxJS, an async resource
 * per request), which an HTTP-only app like the gateway would pay on every request for nothing.
 */
@Module({})
export class MetricsModule implements NestModule {
  constructor(private readonly metrics: Metrics) {}

  static forRoot(options: { service: string; rpcServer?: boolean }): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        { provide: Metrics, useFactory: () => new Metrics(options.service) },
        ...(options.rpcServer ? [{ provide: APP_INTERCEPTOR, useClass: RpcServerMetricsInterceptor }] : []),
      ],
      exports: [Metrics],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(httpMetricsMiddleware(this.metrics)).forRoutes('*');
  }
}
