import { Logger } from '@nestjs/common';
import { createRedisClient } from '@shopmesh/redis';
import type { Redis } from 'ioredis';
import type { Discovery } from './discovery';

const keyPrefix = (namespace: string, service: string): string => `${namespace}:registry:${service}:`;

// a failed refresh or heartbeat is logged where it happens
const connect = (url: string): Redis => createRedisClient(url, { purpose: 'registry', queueWhileConnecting: true });

/**
 * An instance's entry in the Redis registry: set on start with a TTL, refreshed by a heartbeat,
 * deleted when the instance starts shutting down. A crashed instance disappears when its TTL ends.
 */
export class RegistryEntry {
  private readonly logger = new Logger(RegistryEntry.name);
  private readonly redis: Redis;
  private timer?: NodeJS.Timeout;

  constructor(
    redisUrl: string,
    private readonly namespace: string,
    private readonly service: string,
    private readonly address: string,
    private readonly ttlMs: number,
  ) {
    this.redis = connect(redisUrl);
  }

  private get key(): string {
    return `${keyPrefix(this.namespace, this.service)}${this.address}`;
  }

  async register(): Promise<void> {
    await this.heartbeat();
    this.timer = setInterval(() => void this.heartbeat(), Math.max(100, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  /** Removes the entry: callers stop choosing this instance within their refresh interval. */
  async deregister(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(this.key).catch((error: unknown) => this.logger.warn({ err: error }, 'could not deregister'));
    this.redis.disconnect();
  }

  /** Stops refreshing the entry without removing it (what a crash looks like; for tests). */
  stopHeartbeat(): void {
    clearInterval(this.timer);
  }

  close(): void {
    clearInterval(this.timer);
    this.redis.disconnect();
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.redis.set(this.key, JSON.stringify({ address: this.address, pid: process.pid }), 'PX', this.ttlMs);
    } catch (error) {
      this.logger.warn({ err: error }, `registry heartbeat of ${this.service} failed`);
    }
  }
}

/** The instances registered in Redis for a service, read again every `refreshMs`. */
export class RedisRegistryDiscovery implements Discovery {
  private readonly logger = new Logger(RedisRegistryDiscovery.name);
  private readonly redis: Redis;
  private list: string[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    redisUrl: string,
    private readonly namespace: string,
    private readonly service: string,
    private readonly refreshMs: number,
  ) {
    this.redis = connect(redisUrl);
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  addresses(): readonly string[] {
    return this.list;
  }

  stop(): void {
    clearInterval(this.timer);
    this.redis.disconnect();
  }

  private async refresh(): Promise<void> {
    try {
      const prefix = keyPrefix(this.namespace, this.service);
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 200);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');
      this.list = keys.map((k) => k.slice(prefix.length)).sort();
    } catch (error) {
      this.logger.warn(
        { err: error },
        `cannot read the registry of ${this.service}; keeping ${this.list.length} known instance(s)`,
      );
    }
  }
}
