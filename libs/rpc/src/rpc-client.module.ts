import { DynamicModule, Inject, Module } from '@nestjs/common';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { Metrics } from '@shopmesh/metrics';
import { RpcClient } from './rpc-client';

export interface RpcTarget {
  /** Service name, e.g. `catalog`. */
  name: string;
  host: string;
  port: number;
  timeoutMs: number;
}

/** DI token of the client of a service. */
export const rpcClientToken = (name: string): string => `RpcClient:${name}`;

/** Injects the {@link RpcClient} of a service registered with `RpcClientModule.register`. */
export const InjectRpcClient = (name: string): ParameterDecorator => Inject(rpcClientToken(name));

/** Provides one {@link RpcClient} per target service; clients close on shutdown. */
@Module({})
export class RpcClientModule {
  static register(targets: readonly RpcTarget[]): DynamicModule {
    const providers = targets.map((target) => ({
      provide: rpcClientToken(target.name),
      inject: [Metrics],
      useFactory: (metrics: Metrics) =>
        new RpcClient(
          target.name,
          ClientProxyFactory.create({ transport: Transport.TCP, options: { host: target.host, port: target.port } }),
          target.timeoutMs,
          metrics,
        ),
    }));
    return {
      module: RpcClientModule,
      global: true,
      providers: [
        ...providers,
        {
          provide: RpcClientRegistry,
          inject: providers.map((p) => p.provide),
          useFactory: (...clients: RpcClient[]) => new RpcClientRegistry(clients),
        },
      ],
      exports: [...providers.map((p) => p.provide), RpcClientRegistry],
    };
  }
}

/** Every RPC client of the process: for readiness checks and closing on shutdown. */
export class RpcClientRegistry {
  constructor(readonly clients: readonly RpcClient[]) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.clients.map((c) => c.close()));
  }
}
