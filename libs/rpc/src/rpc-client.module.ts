import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Metrics } from '@shopmesh/metrics';
import type { BalancingStrategy } from './balancing/balancer';
import { StaticDiscovery, type Discovery } from './discovery/discovery';
import { DnsDiscovery } from './discovery/dns-discovery';
import { RedisRegistryDiscovery } from './discovery/redis-registry';
import { parseAddress } from './instance';
import { RpcClient } from './rpc-client';

export interface RpcTarget {
  /** Service name, e.g. `catalog`. */
  name: string;
  /** `static`: `addresses` is the list of instances. `dns`: `addresses[0]` is a name resolving to every instance. */
  discovery: 'static' | 'dns' | 'redis';
  /** Redis of the registry (with `discovery: 'redis'`). */
  registryRedisUrl?: string;
  registryNamespace?: string;
  addresses: readonly string[];
  timeoutMs: number;
  balancing: BalancingStrategy;
  maxPendingPerInstance: number;
  breaker: { failureThreshold: number; openMs: number };
  /** Largest message accepted from an instance, in characters. */
  maxMessageChars?: number;
  /** Mutual TLS: our certificate and the CA that signs the instances'. */
  tls?: { cert: Buffer; key: Buffer; ca: Buffer };
  /** How often DNS is resolved again. */
  refreshMs?: number;
}

/** DI token of the client of a service. */
export const rpcClientToken = (name: string): string => `RpcClient:${name}`;

/** Injects the {@link RpcClient} of a service registered with `RpcClientModule.register`. */
export const InjectRpcClient = (name: string): ParameterDecorator => Inject(rpcClientToken(name));

function discoveryOf(target: RpcTarget): Discovery {
  if (target.discovery === 'static') return new StaticDiscovery(target.addresses);
  if (target.discovery === 'redis')
    return new RedisRegistryDiscovery(
      target.registryRedisUrl ?? '',
      target.registryNamespace ?? 'shopmesh',
      target.name,
      target.refreshMs ?? 1000,
    );
  const { host, port } = parseAddress(target.addresses[0] ?? '');
  return new DnsDiscovery(host, port, target.refreshMs ?? 5000);
}

/** Every RPC client of the process: started with the app, used by readiness, closed on shutdown. */
export class RpcClientRegistry implements OnModuleInit, OnApplicationShutdown {
  constructor(readonly clients: readonly RpcClient[]) {}

  async onModuleInit(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.start()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.clients.map((c) => c.close()));
  }
}

/** Provides one {@link RpcClient} per target service. */
@Module({})
export class RpcClientModule {
  static register(targets: readonly RpcTarget[]): DynamicModule {
    const providers = targets.map((target) => ({
      provide: rpcClientToken(target.name),
      inject: [Metrics],
      useFactory: (metrics: Metrics) =>
        new RpcClient(
          target.name,
          discoveryOf(target),
          {
            timeoutMs: target.timeoutMs,
            balancing: target.balancing,
            maxPendingPerInstance: target.maxPendingPerInstance,
            breaker: target.breaker,
            maxMessageChars: target.maxMessageChars,
            tls: target.tls && { ...target.tls, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
          },
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
