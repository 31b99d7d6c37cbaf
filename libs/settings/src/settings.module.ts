import { DynamicModule, Module } from '@nestjs/common';
import { ReadinessRegistry } from '@shopmesh/health';
import { Metrics } from '@shopmesh/metrics';
import { createRedisClient } from '@shopmesh/redis';
import { LiveSettings, type LiveSettingsOptions } from './live-settings';
import { registerSettingsMetrics } from './settings.metrics';
import { SettingsStore } from './settings-store';

export interface SettingsModuleOptions extends LiveSettingsOptions {
  redisUrl: string;
  /** Key prefix of the store: every app of one deployment shares it. */
  namespace: string;
}

/** A read of the store gives up after this long: a hung Redis never holds a refresh or an admin request. */
const STORE_COMMAND_TIMEOUT_MS = 1000;

/**
 * The live settings of the app ({@link LiveSettings}, global) and their store ({@link SettingsStore},
 * for the admin API), each on its own Redis connection: a subscribed connection can do nothing else.
 */
@Module({})
export class SettingsModule {
  static forRoot(options: SettingsModuleOptions): DynamicModule {
    return {
      module: SettingsModule,
      global: true,
      providers: [
        {
          provide: SettingsStore,
          useFactory: () =>
            new SettingsStore(
              createRedisClient(options.redisUrl, { purpose: 'settings', commandTimeoutMs: STORE_COMMAND_TIMEOUT_MS }),
              options.namespace,
            ),
        },
        {
          provide: LiveSettings,
          inject: [SettingsStore, { token: ReadinessRegistry, optional: true }, { token: Metrics, optional: true }],
          useFactory: (store: SettingsStore, readiness?: ReadinessRegistry, metrics?: Metrics) => {
            const live = new LiveSettings(store, createRedisClient(options.redisUrl, { purpose: 'settings-notices' }), options);
            readiness?.add(live);
            if (metrics) registerSettingsMetrics(metrics, live);
            return live;
          },
        },
      ],
      exports: [LiveSettings, SettingsStore],
    };
  }
}
