import { Injectable } from '@nestjs/common';
import type { Cart } from '@shopmesh/contracts';
import { viewOf } from '../domain/cart-state';
import { CartStore } from '../store/cart-store';

@Injectable()
export class ViewCartService {
  constructor(private readonly store: CartStore) {}

  /** The user's cart; reading it counts as a use (its TTL starts again). */
  async get(userId: string): Promise<Cart> {
    return viewOf(await this.store.use(userId));
  }
}
