import { BeforeApplicationShutdown, DynamicModule, Module, OnApplicationBootstrap } from '@nestjs/common';
import { RegistryEntry } from './discovery/redis-registry';

export interface RegistryOptions {
  redisUrl: string;
  /** Keeps separate platforms on one Redis apart (tests, several environments). */
  namespace: string;
  service: string;
  /** The `host:port` callers should use to reach this instance. */
  advertisedAddress: string;
  ttlMs: number;
}

class RegistryLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(private readonly entry: RegistryEntry) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.entry.register();
  }

  /** First thing on shutdown, while in-flight calls still finish: callers stop choosing us. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.entry.deregister();
  }
}

/** Registers this instance in the Redis registry while it runs (heartbeat + TTL). */
@Module({})
export class RegistryModule {
  static register(options: RegistryOptions): DynamicModule {
    return {
      module: RegistryModule,
      providers: [
        {
          provide: RegistryLifecycle,
          useFactory: () =>
            new RegistryLifecycle(
              new RegistryEntry(options.redisUrl, options.namespace, options.service, options.advertisedAddress, options.ttlMs),
            ),
        },
      ],
    };
  }
}
