import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CartItemParamsSchema,
  CartRpc,
  CartSchema,
  SetCartItemBodySchema,
  type Actor,
  type Cart,
  type CartItemParams,
  type SetCartItemBody,
} from '@shopmesh/contracts';
import { InjectRpcClient, type RpcClient } from '@shopmesh/rpc';
import { Authenticated } from '../auth/auth.decorators';
import { CurrentActor } from '../auth/authenticated-user';
import { RateLimit } from '../edge/rate-limit/rate-limit.decorator';
import { ApiProblemResponses, BODY_PROBLEMS, UPSTREAM_PROBLEMS } from '../openapi/api-problem-responses.decorator';

/** The caller's cart: the user always comes from the access token, prices always from catalog. */
@ApiTags('cart')
@Controller('v1/cart')
@Authenticated()
export class CartController {
  constructor(@InjectRpcClient('cart') private readonly cart: RpcClient) {}

  @Get()
  @RateLimit('read')
  @ApiOperation({ summary: "The caller's cart; `total` uses the prices the items were added at (see `basis`)" })
  @ApiOkResponse({ standardSchema: CartSchema })
  @ApiProblemResponses('RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  get(@CurrentActor() actor: Actor): Promise<Cart> {
    return this.cart.call(CartRpc.get, {}, { actor, hashKey: actor.userId });
  }

  @Put('items/:productId')
  @RateLimit('write')
  @ApiOperation({
    summary: 'Put a product in the cart with this quantity (1-99), or change its quantity; takes the current price from catalog',
  })
  @ApiOkResponse({ standardSchema: CartSchema })
  @ApiProblemResponses(
    ...BODY_PROBLEMS,
    'CART.PRODUCT_UNAVAILABLE',
    'CART.TOO_MANY_LINES',
    'CART.CURRENCY_MISMATCH',
    'CART.TOTAL_TOO_LARGE',
    'RATE_LIMIT.EXCEEDED',
    ...UPSTREAM_PROBLEMS,
  )
  setItem(
    @CurrentActor() actor: Actor,
    @Param({ schema: CartItemParamsSchema }) { productId }: CartItemParams,
    @Body({ schema: SetCartItemBodySchema }) { quantity }: SetCartItemBody,
  ): Promise<Cart> {
    return this.cart.call(CartRpc.setItem, { productId, quantity }, { actor, hashKey: actor.userId });
  }

  @Delete('items/:productId')
  @RateLimit('write')
  @ApiOperation({ summary: 'Take a product out of the cart (no error if it is not in it)' })
  @ApiOkResponse({ standardSchema: CartSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  removeItem(@CurrentActor() actor: Actor, @Param({ schema: CartItemParamsSchema }) params: CartItemParams): Promise<Cart> {
    return this.cart.call(CartRpc.removeItem, params, { actor, hashKey: actor.userId });
  }

  @Delete()
  @RateLimit('write')
  @ApiOperation({ summary: 'Empty the cart' })
  @ApiOkResponse({ standardSchema: CartSchema })
  @ApiProblemResponses('RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  clear(@CurrentActor() actor: Actor): Promise<Cart> {
    return this.cart.call(CartRpc.clear, {}, { actor, hashKey: actor.userId });
  }
}
