import { Controller } from '@nestjs/common';
import { CartRpc, type Actor, type Cart, type CartItemParams, type SetCartItem } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { RpcActor, RpcHandler, RpcPayload } from '@shopmesh/rpc';
import { EditCartService, type SetItemOutcome } from './edit-cart/edit-cart.service';
import { ViewCartService } from './view-cart/view-cart.service';

/** The cart RPCs: each acts for the verified user of the call, never for one named in the payload. */
@Controller()
export class CartRpcController {
  constructor(
    private readonly view: ViewCartService,
    private readonly edit: EditCartService,
  ) {}

  @RpcHandler(CartRpc.get)
  get(@RpcActor() actor: Actor, @RpcPayload(CartRpc.get) _: Record<string, never>): Promise<Cart> {
    return this.view.get(actor.userId);
  }

  @RpcHandler(CartRpc.setItem)
  async setItem(@RpcActor() actor: Actor, @RpcPayload(CartRpc.setItem) input: SetCartItem): Promise<Cart> {
    return cartOrError(await this.edit.setItem(actor.userId, input.productId, input.quantity), input.productId);
  }

  @RpcHandler(CartRpc.removeItem)
  removeItem(@RpcActor() actor: Actor, @RpcPayload(CartRpc.removeItem) { productId }: CartItemParams): Promise<Cart> {
    return this.edit.removeItem(actor.userId, productId);
  }

  @RpcHandler(CartRpc.clear)
  clear(@RpcActor() actor: Actor, @RpcPayload(CartRpc.clear) _: Record<string, never>): Promise<Cart> {
    return this.edit.clear(actor.userId);
  }
}

function cartOrError(outcome: SetItemOutcome, productId: string): Cart {
  if (outcome.ok) return outcome.cart;
  switch (outcome.reason) {
    case 'PRODUCT_UNAVAILABLE':
      throw new AppError('CART.PRODUCT_UNAVAILABLE', `Product ${productId} is unknown or not on sale`);
    case 'TOO_MANY_LINES':
      throw new AppError('CART.TOO_MANY_LINES', 'A cart holds at most 50 different products');
    case 'CURRENCY_MISMATCH':
      throw new AppError('CART.CURRENCY_MISMATCH', `Product ${productId} is priced in another currency than the cart`);
    case 'TOTAL_TOO_LARGE':
      throw new AppError('CART.TOTAL_TOO_LARGE', 'The cart total would be too large');
    case 'INVALID_QUANTITY':
      throw new AppError('VALIDATION.FAILED', 'Invalid quantity', [
        { field: 'quantity', message: 'expected an integer from 1 to 99' },
      ]);
  }
}
