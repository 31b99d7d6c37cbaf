import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CATALOG_REDIS, PRODUCT_CACHE_OPTIONS, type ProductCacheOptions } from './products.tokens';
import { SingleFlight } from './single-flight';

/** What the use cases need of the cache. */
export interface CatalogCache {
  /**
   * The cached value of `key` (relative to the cache's namespace), or else `load()`'s, cached for the
   * `ttl` of its kind; one load per key in flight.
   */
  readThrough<T>(key: string, ttl: 'product' | 'page', load: () => Promise<T | undefined>): Promise<T | undefined>;
  /** After a change committed: every entry cached before it is stale from now on. */
  catalogChanged(): Promise<void>;
}

interface Entry {
  /** The catalogue generation read before the database was: the entry is good while it is current. */
  g: string;
  v: unknown;
}

/**
 * Read-through cache of products and of list pages in Redis, invalidated as a whole: each entry
 * carries the catalogue generation read before its database read, and every committed change sets a
 * new generation. A read takes the entry and the generation in one MGET, so a page or a product read
 * before a change can never be served after it, even if it was written to Redis after the change.
 * Best effort: when Redis is slow or down the database answers (readiness reports Redis meanwhile).
 */
@Injectable()
export class ProductCache implements CatalogCache, OnApplicationShutdown {
  private readonly logger = new Logger(ProductCache.name);
  private readonly flights = new SingleFlight();

  constructor(
    @Inject(CATALOG_REDIS) private readonly redis: Redis,
    @Inject(PRODUCT_CACHE_OPTIONS) private readonly options: ProductCacheOptions,
  ) {}

  readThrough<T>(key: string, ttl: 'product' | 'page', load: () => Promise<T | undefined>): Promise<T | undefined> {
    const seconds = ttl === 'product' ? this.options.productTtlSeconds : this.options.pageTtlSeconds;
    const fullKey = `${this.options.namespace}:${key}`;
    return this.flights.run(fullKey, async () => {
      if (seconds === 0) return load();
      const { value, generation } = await this.read<T>(fullKey);
      if (value !== undefined) return value;
      const loaded = await load();
      if (loaded !== undefined && generation !== undefined) await this.write(fullKey, generation, loaded, seconds);
      return loaded;
    });
  }

  async catalogChanged(): Promise<void> {
    this.flights.clear(); // a caller arriving after the change must not join a read begun before it
    try {
      await this.redis.set(this.generationKey, randomUUID());
    } catch (error) {
      // readers may see the previous catalogue until the entries' TTL ends
      this.logger.warn({ err: error }, 'catalog cache invalidation failed');
    }
  }

  private get generationKey(): string {
    return `${this.options.namespace}:generation`;
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }

  /** The entry if it is current, and the generation (undefined: Redis did not answer). */
  private async read<T>(key: string): Promise<{ value?: T; generation?: string }> {
    try {
      const [generation, cached] = await this.redis.mget(this.generationKey, key);
      const current = generation ?? 'initial';
      if (!cached) return { generation: current };
      const entry = JSON.parse(cached) as Entry;
      return entry.g === current ? { value: entry.v as T, generation: current } : { generation: current };
    } catch (error) {
      this.logger.debug({ err: error }, 'catalog cache read failed');
      return {};
    }
  }

  private async write(key: string, generation: string, value: unknown, seconds: number): Promise<void> {
    try {
      await this.redis.set(key, JSON.stringify({ g: generation, v: value } satisfies Entry), 'EX', seconds);
    } catch (error) {
      this.logger.debug({ err: error }, 'catalog cache write failed');
    }
  }
}
