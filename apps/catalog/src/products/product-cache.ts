import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Product } from '@shopmesh/contracts';
import type { Redis } from 'ioredis';
import { CATALOG_REDIS, PRODUCT_CACHE_TTL_SECONDS } from './products.tokens';

/**
 * Read-through cache of single products in Redis. Best effort: when Redis is slow or down the
 * database answers instead (readiness reports Redis down meanwhile); nothing waits on Redis for long.
 */
@Injectable()
export class ProductCache implements OnApplicationShutdown {
  private readonly logger = new Logger(ProductCache.name);

  constructor(
    @Inject(CATALOG_REDIS) private readonly redis: Redis,
    @Inject(PRODUCT_CACHE_TTL_SECONDS) private readonly ttlSeconds: number,
  ) {}

  async get(id: string): Promise<Product | undefined> {
    if (this.ttlSeconds === 0) return undefined;
    try {
      const cached = await this.redis.get(this.key(id));
      return cached ? (JSON.parse(cached) as Product) : undefined;
    } catch (error) {
      this.logger.debug({ err: error }, 'product cache read failed');
      return undefined;
    }
  }

  async set(product: Product): Promise<void> {
    if (this.ttlSeconds === 0) return;
    try {
      await this.redis.set(this.key(product.id), JSON.stringify(product), 'EX', this.ttlSeconds);
    } catch (error) {
      this.logger.debug({ err: error }, 'product cache write failed');
    }
  }

  /** Drops a changed product; a failure only means readers may see it until the TTL ends. */
  async forget(id: string): Promise<void> {
    try {
      await this.redis.del(this.key(id));
    } catch (error) {
      this.logger.warn({ err: error }, 'product cache eviction failed');
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }

  private key(id: string): string {
    return `catalog:product:${id}`;
  }
}
