/**
 * Where cart data lives in Redis, under one base (`cart` in production; tests take their own):
 * `<base>:<userId>` the cart, `<base>:by-product:<productId>` the users whose cart holds the product,
 * `<base>:product:<productId>` what catalog.events told us about the product.
 */
export class CartKeys {
  constructor(readonly base: string) {}

  cart(userId: string): string {
    return `${this.base}:${userId}`;
  }

  byProduct(productId: string): string {
    return `${this.base}:by-product:${productId}`;
  }

  product(productId: string): string {
    return `${this.base}:product:${productId}`;
  }

  /** Every key under the base (for `SCAN MATCH`). */
  all(): string {
    return `${this.base}:*`;
  }
}
