import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppError } from '@shopmesh/errors';
import type { Redis } from 'ioredis';
import type { CatalogChange, KnownProduct } from '../domain/catalog-change';
import { EMPTY_CART, type CartState } from '../domain/cart-state';
import { CART_KEYS, CART_REDIS, CART_TTL_SECONDS } from '../cart.tokens';
import { CartKeys } from './cart-keys';
import { COMPARE_AND_SET_CART, RECORD_PRODUCT_CHANGE } from './cart-scripts';
import { parseCartBody, serializeCartBody } from './cart-body';

/** What a change of a cart decides: the cart to keep, or a refusal (then nothing is written). */
export type CartEdit<R> = { cart: CartState } | { refused: R };
export type CartUpdate<R> = { ok: true; cart: CartState } | { ok: false; reason: R };

/** `refresh`: a use by the user (the TTL starts again); `keep`: an event applied (the TTL runs on). */
export type TtlPolicy = 'refresh' | 'keep';

interface Read {
  cart: CartState;
  rev: string;
}

interface CartCommands {
  cartCompareAndSet(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  cartRecordProductChange(key: string, ...args: (string | number)[]): Promise<number>;
}

const MAX_ATTEMPTS = 100;

/**
 * Carts in Redis, one per user, each kept `CART_TTL_SECONDS` after its last use. Every change is a
 * read, a decision by the domain code and a compare-and-set on the cart's revision (a Lua script),
 * retried when another change came first: concurrent changes never lose one another's lines, and a
 * limit checked on the read still holds when written. The by-product index is updated in the same script.
 */
@Injectable()
export class CartStore implements OnApplicationShutdown {
  private readonly logger = new Logger(CartStore.name);
  private readonly commands: CartCommands;

  constructor(
    @Inject(CART_REDIS) private readonly redis: Redis,
    @Inject(CART_KEYS) private readonly keys: CartKeys,
    @Inject(CART_TTL_SECONDS) private readonly ttlSeconds: number,
  ) {
    redis.defineCommand('cartCompareAndSet', { lua: COMPARE_AND_SET_CART });
    redis.defineCommand('cartRecordProductChange', { numberOfKeys: 1, lua: RECORD_PRODUCT_CHANGE });
    this.commands = redis as unknown as CartCommands;
  }

  /** The user's cart (empty if none), its TTL and its index entries started again. */
  async use(userId: string): Promise<CartState> {
    const { cart, rev } = await this.read(userId);
    if (rev !== '') await this.compareAndSet(userId, rev, 'touch', cart, cart); // lost to a concurrent write: that one refreshed it
    return cart;
  }

  /** Applies `edit` to the user's cart atomically (retrying on a concurrent change); a refusal writes nothing. */
  async update<R>(userId: string, edit: (cart: CartState) => CartEdit<R>, ttl: TtlPolicy): Promise<CartUpdate<R>> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const { cart, rev } = await this.read(userId);
      const decided = edit(cart);
      if ('refused' in decided) return { ok: false, reason: decided.refused };
      const next = decided.cart;
      if (next === cart && (ttl === 'keep' || rev === '')) return { ok: true, cart };
      const mode = next === cart ? 'touch' : next.lines.length === 0 ? 'delete' : 'set';
      if (await this.compareAndSet(userId, rev, mode, cart, next, ttl)) return { ok: true, cart: next };
      await sleep(Math.random() * Math.min(attempt, 10));
    }
    throw new Error(`cart of ${userId}: still contended after ${MAX_ATTEMPTS} attempts`);
  }

  /** The users whose cart may hold the product (an entry may be stale: the cart expired or dropped the line). */
  usersWith(productId: string): Promise<string[]> {
    return this.guard(() => this.redis.smembers(this.keys.byProduct(productId)));
  }

  /** Drops a stale index entry. */
  async forget(productId: string, userId: string): Promise<void> {
    await this.guard(() => this.redis.srem(this.keys.byProduct(productId), userId));
  }

  /** Remembers a change of a product (newest price wins; a withdrawal is final). */
  async recordChange(change: CatalogChange): Promise<void> {
    const key = this.keys.product(change.productId);
    await this.guard(() =>
      change.kind === 'price'
        ? this.commands.cartRecordProductChange(
            key,
            'price',
            this.ttlSeconds,
            change.productVersion,
            String(change.price.amount),
            change.price.currency,
          )
        : this.commands.cartRecordProductChange(key, 'withdrawn', this.ttlSeconds),
    );
  }

  /** What catalog.events told us about a product. */
  async known(productId: string): Promise<KnownProduct> {
    const held = await this.guard(() => this.redis.hgetall(this.keys.product(productId)));
    return {
      productId,
      latestPrice:
        held.version && held.amount && held.currency
          ? { price: { amount: Number(held.amount), currency: held.currency }, productVersion: Number(held.version) }
          : undefined,
      withdrawn: held.withdrawn === '1',
    };
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }

  private async read(userId: string): Promise<Read> {
    const held = await this.guard(() => this.redis.hgetall(this.keys.cart(userId)));
    if (!held.rev || !held.body) return { cart: EMPTY_CART, rev: '' };
    return { cart: parseCartBody(held.body), rev: held.rev };
  }

  private async compareAndSet(
    userId: string,
    rev: string,
    mode: 'set' | 'delete' | 'touch',
    before: CartState,
    after: CartState,
    ttl: TtlPolicy = 'refresh',
  ): Promise<boolean> {
    const kept = after.lines.map((l) => l.productId);
    const dropped = before.lines.map((l) => l.productId).filter((id) => !kept.includes(id));
    const indexKeys = ttl === 'refresh' ? [...kept, ...dropped] : dropped;
    const written = await this.guard(() =>
      this.commands.cartCompareAndSet(
        1 + indexKeys.length,
        this.keys.cart(userId),
        ...indexKeys.map((id) => this.keys.byProduct(id)),
        rev,
        mode,
        randomUUID(),
        mode === 'set' ? serializeCartBody(after) : '',
        userId,
        ttl === 'refresh' ? kept.length : 0,
        ttl === 'refresh' ? this.ttlSeconds : 0,
      ),
    );
    return written === 1;
  }

  /** A Redis failure (down, slow) is a 503 for the caller, not an internal error. */
  private async guard<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      this.logger.warn({ err: error }, 'cart store command failed');
      throw new AppError('UPSTREAM.UNAVAILABLE', 'The cart store is unavailable');
    }
  }
}
