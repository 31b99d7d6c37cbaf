import { Injectable } from '@nestjs/common';
import { applyToCart, type CatalogChange } from '../domain/catalog-change';
import { CartStore } from '../store/cart-store';

const CARTS_AT_ONCE = 16;

/**
 * Keeps cart lines in step with the catalogue. Idempotent by itself (cart has no database to record
 * processed messages in): a change is remembered per product newest-version-wins, then applied to
 * every cart holding the product with the same rule, so a redelivery, a replay or an out-of-order
 * duplicate leaves every line as the newest change makes it. The memory closes a race with
 * `setItem`: a change consumed before a line was written is applied by `setItem` itself.
 */
@Injectable()
export class TrackCatalogService {
  constructor(private readonly store: CartStore) {}

  async apply(change: CatalogChange): Promise<void> {
    await this.store.recordChange(change);
    const users = await this.store.usersWith(change.productId);
    for (let i = 0; i < users.length; i += CARTS_AT_ONCE) {
      await Promise.all(users.slice(i, i + CARTS_AT_ONCE).map((userId) => this.applyToCartOf(userId, change)));
    }
  }

  private async applyToCartOf(userId: string, change: CatalogChange): Promise<void> {
    let holdsProduct = false;
    await this.store.update<never>(
      userId,
      (cart) => {
        holdsProduct = cart.lines.some((l) => l.productId === change.productId);
        return { cart: applyToCart(cart, change) };
      },
      'keep',
    );
    if (!holdsProduct) await this.store.forget(change.productId, userId);
  }
}
