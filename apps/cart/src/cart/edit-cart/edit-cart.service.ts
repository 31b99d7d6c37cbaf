import { Injectable } from '@nestjs/common';
import type { Cart } from '@shopmesh/contracts';
import { applyToCart, changesFrom } from '../domain/catalog-change';
import { removeLine, setLine, viewOf, type CartState, type SetLineRefusal } from '../domain/cart-state';
import { ProductSnapshots } from '../catalog/product-snapshots';
import { CartStore } from '../store/cart-store';

export type SetItemOutcome = { ok: true; cart: Cart } | { ok: false; reason: SetLineRefusal | 'PRODUCT_UNAVAILABLE' };

@Injectable()
export class EditCartService {
  constructor(
    private readonly store: CartStore,
    private readonly products: ProductSnapshots,
  ) {}

  /**
   * Sets the product's line to `quantity` at catalog's current name, SKU and price. A catalogue
   * change consumed between catalog's answer and our write would find no line to mark, so what the
   * consumer recorded about the product is applied once written (see `TrackCatalogService`).
   */
  async setItem(userId: string, productId: string, quantity: number): Promise<SetItemOutcome> {
    const product = await this.products.current(productId);
    if (!product) return { ok: false, reason: 'PRODUCT_UNAVAILABLE' };
    const set = await this.store.update<SetLineRefusal>(
      userId,
      (cart) => {
        const outcome = setLine(cart, product, quantity);
        return outcome.ok ? { cart: outcome.cart } : { refused: outcome.reason };
      },
      'refresh',
    );
    if (!set.ok) return set;
    const changes = changesFrom(await this.store.known(productId));
    if (changes.length === 0) return { ok: true, cart: viewOf(set.cart) };
    const caughtUp = await this.store.update(userId, (cart) => ({ cart: changes.reduce(applyToCart, cart) }), 'keep');
    return { ok: true, cart: viewOf(caughtUp.ok ? caughtUp.cart : set.cart) };
  }

  /** Removes the product's line; a line not in the cart is not an error (removing twice is harmless). */
  async removeItem(userId: string, productId: string): Promise<Cart> {
    return this.edit(userId, (cart) => removeLine(cart, productId));
  }

  async clear(userId: string): Promise<Cart> {
    return this.edit(userId, (cart) => (cart.lines.length === 0 ? cart : { lines: [] }));
  }

  private async edit(userId: string, change: (cart: CartState) => CartState): Promise<Cart> {
    const done = await this.store.update<never>(userId, (cart) => ({ cart: change(cart) }), 'refresh');
    if (!done.ok) throw new Error('unreachable: this edit never refuses');
    return viewOf(done.cart);
  }
}
