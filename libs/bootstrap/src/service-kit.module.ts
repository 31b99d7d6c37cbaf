import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { ServiceConfig } from '@shopmesh/config';
import { DatabaseModule, postgresDataSourceOptions, type DatabaseSchema } from '@shopmesh/database';
import { ErrorFilter, createValidationPipe } from '@shopmesh/errors';
import { HealthModule } from '@shopmesh/health';
import { LoggingModule } from '@shopmesh/logging';
import { MessagingModule } from '@shopmesh/messaging';
import { MetricsModule } from '@shopmesh/metrics';
import { RegistryModule, RpcClientModule, RpcServerModule } from '@shopmesh/rpc';
import { SettingsModule, type SettingsValues } from '@shopmesh/settings';
import type { DestinationStream } from 'pino';
import { DRAIN_MS, DrainOnShutdown } from './drain-on-shutdown';
import { OpsModule } from './ops/ops.module';

export interface ServiceKitOptions {
  /** The app's entities and migrations, if it uses Postgres. */
  database?: DatabaseSchema;
  /** Redis is a cache the app can serve without: readiness says `degraded`, not down. */
  redisOptional?: boolean;
  /**
   * The app's own live settings and their values from its environment (the RPC ones derive from
   * the config): what a setting never set in the store is.
   */
  settingsDefaults?: Partial<SettingsValues>;
  /** Where logs go (tests capture them); stdout by default. */
  logDestination?: DestinationStream;
}

/**
 * What every ShopMesh app has, derived from its declaration (`SERVICES` in `@shopmesh/config`)
 * and its environment: JSON logs with correlation ids, Prometheus metrics, health endpoints with
 * one readiness check per dependency, one error filter and validation pipe, a graceful shutdown
 * that turns unready first; and, as declared, its database, messaging (outbox, relay, consumers),
 * RPC server (with registry), its live settings and one RPC client per service it calls.
 */
@Module({})
export class ServiceKitModule {
  static forService(config: ServiceConfig, options: ServiceKitOptions = {}): DynamicModule {
    const imports: NonNullable<ModuleMetadata['imports']> = [
      LoggingModule.forRoot({ service: config.name, level: config.logLevel, destination: options.logDestination }),
      MetricsModule.forRoot({ service: config.name, rpcServer: Boolean(config.tcp) }),
      HealthModule.forRoot({
        service: config.name,
        postgres: Boolean(config.postgres),
        redis: config.redisUrl ? { url: config.redisUrl, optional: options.redisOptional } : undefined,
        kafkaBrokers: config.kafka?.brokers,
        timeoutMs: config.healthTimeoutMs,
      }),
    ];
    if (config.postgres) {
      if (!options.database) throw new Error(`${config.name} uses Postgres: give ServiceKitModule its entities and migrations`);
      imports.push(DatabaseModule.forRoot(postgresDataSourceOptions(config.postgres, options.database)));
    }
    if (config.kafka) {
      imports.push(
        MessagingModule.forRoot({
          service: config.name,
          brokers: config.kafka.brokers,
          outbox: Boolean(config.postgres),
          relay: { ...config.kafka.relay, minBackoffMs: 200, maxBackoffMs: 5000 },
          consumer: config.kafka.consumer,
        }),
      );
    }
    if (config.tcp) {
      imports.push(
        RpcServerModule,
        OpsModule.register({
          service: config.name,
          address: config.registry.advertisedAddress ?? `${config.tcp.host}:${config.tcp.port}`,
          outbox: Boolean(config.postgres && config.kafka),
          audit: Boolean(config.postgres),
        }),
      );
    }
    if (config.tcp && config.registry.kind === 'redis' && config.registry.redisUrl) {
      imports.push(
        RegistryModule.register({
          redisUrl: config.registry.redisUrl,
          namespace: config.registry.namespace,
          service: config.name,
          advertisedAddress: config.registry.advertisedAddress ?? `${config.tcp.host}:${config.tcp.port}`,
          ttlMs: config.registry.ttlMs,
        }),
      );
    }
    if (config.settings) {
      imports.push(
        SettingsModule.forRoot({
          service: config.name,
          ...config.settings,
          defaults: { ...rpcSettingsDefaults(config), ...options.settingsDefaults },
        }),
      );
    }
    if (config.targets.length > 0) imports.push(RpcClientModule.register(config.targets));
    return {
      module: ServiceKitModule,
      imports,
      providers: [
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: DRAIN_MS, useValue: config.drainMs },
        DrainOnShutdown,
      ],
    };
  }
}

/** The live RPC settings' values from the environment (every target of an app has the same). */
function rpcSettingsDefaults(config: ServiceConfig): Partial<SettingsValues> {
  const target = config.targets[0];
  if (!target) return {};
  return {
    'rpc.timeoutMs': target.timeoutMs,
    'rpc.breaker.failureThreshold': target.breaker.failureThreshold,
    'rpc.breaker.openMs': target.breaker.openMs,
  };
}
