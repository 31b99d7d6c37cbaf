import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { HealthIndicatorService } from '@nestjs/terminus';
import type { RpcTargetConfig } from '@shopmesh/config';
import { ReadinessRegistry, type ReadinessContributor } from '@shopmesh/health';
import { Metrics } from '@shopmesh/metrics';
import { LiveSettings } from '@shopmesh/settings';
import { StaticDiscovery, type Discovery } from './discovery/discovery';
import { DnsDiscovery } from './discovery/dns-discovery';
import { RedisRegistryDiscovery } from './discovery/redis-registry';
import { parseAddress } from './instance';
import { RpcClient, type RpcLiveTuning } from './rpc-client';

/** How to reach one service: derived from the caller's declaration (see `@shopmesh/config`). */
export type RpcTarget = RpcTargetConfig;

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

/**
 * Every RPC client of the process: started with the app, closed on shutdown, and one readiness
 * check per target (some instance answers `ops.ping` within the deadline).
 */
export class RpcClientRegistry implements OnModuleInit, OnApplicationShutdown, ReadinessContributor {
  constructor(
    readonly clients: readonly RpcClient[],
    readiness?: ReadinessRegistry,
    /** Targets the app only operates (`observes`): no readiness check. */
    private readonly unchecked: ReadonlySet<string> = new Set(),
  ) {
    readiness?.add(this);
  }

  readinessChecks(indicator: HealthIndicatorService, timeoutMs: number) {
    return this.clients
      .filter((client) => !this.unchecked.has(client.target))
      .map(
        (client) => () =>
          indicator
            .check(client.target)
            .attempt(() => client.ping(timeoutMs))
            .withTimeout(timeoutMs + 250),
      );
  }

  async onModuleInit(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.start()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.clients.map((c) => c.close()));
  }
}

/** The deadline and breaker thresholds from the live settings, read at each call. */
const liveTuningOf = (settings: LiveSettings): RpcLiveTuning => ({
  timeoutMs: () => settings.get('rpc.timeoutMs'),
  breaker: () => ({
    failureThreshold: settings.get('rpc.breaker.failureThreshold'),
    openMs: settings.get('rpc.breaker.openMs'),
  }),
});

/** Provides one {@link RpcClient} per target service (deadline and breaker live when the app reads live settings). */
@Module({})
export class RpcClientModule {
  static register(targets: readonly RpcTarget[]): DynamicModule {
    const providers = targets.map((target) => ({
      provide: rpcClientToken(target.name),
      inject: [Metrics, { token: LiveSettings, optional: true }],
      useFactory: (metrics: Metrics, settings?: LiveSettings) =>
        new RpcClient(
          target.name,
          discoveryOf(target),
          {
            timeoutMs: target.timeoutMs,
            balancing: target.balancing,
            maxPendingPerInstance: target.maxPendingPerInstance,
            breaker: target.breaker,
            live: settings && liveTuningOf(settings),
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
          inject: [{ token: ReadinessRegistry, optional: true }, ...providers.map((p) => p.provide)],
          useFactory: (readiness: ReadinessRegistry | undefined, ...clients: RpcClient[]) =>
            new RpcClientRegistry(clients, readiness, new Set(targets.filter((t) => t.readiness === false).map((t) => t.name))),
        },
      ],
      exports: [...providers.map((p) => p.provide), RpcClientRegistry],
    };
  }
}
