import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CheckoutBodySchema,
  OrderAcceptedSchema,
  OrdersRpc,
  type Actor,
  type CheckoutBody,
  type OrderAccepted,
} from '@shopmesh/contracts';
import { InjectRpcClient, type RpcClient } from '@shopmesh/rpc';
import { Authenticated } from '../auth/auth.decorators';
import { CurrentActor } from '../auth/authenticated-user';
import { RateLimit } from '../edge/rate-limit/rate-limit.decorator';
import { ApiProblemResponses, BODY_PROBLEMS, UPSTREAM_PROBLEMS } from '../openapi/api-problem-responses.decorator';
import { CheckoutOpen } from './checkout-open.guard';
import { ApiIdempotencyKey, IdempotencyKey } from './idempotency-key';
import { PLACE_CALL, PLACE_PROBLEMS } from './orders.controller';

/** Checking out the caller's cart places an order of its lines (orders reads the cart and empties it once accepted). */
@ApiTags('cart')
@Controller('v1/cart')
@Authenticated()
export class CheckoutController {
  constructor(@InjectRpcClient('orders') private readonly orders: RpcClient) {}

  @Post('checkout')
  @HttpCode(202)
  @RateLimit('write')
  @CheckoutOpen()
  @ApiIdempotencyKey()
  @ApiOperation({ summary: "Place an order of the caller's cart; answers 202 PENDING, and the cart is emptied" })
  @ApiAcceptedResponse({ standardSchema: OrderAcceptedSchema })
  @ApiProblemResponses(
    ...BODY_PROBLEMS,
    ...PLACE_PROBLEMS,
    'CART.EMPTY',
    'CART.NEEDS_REVIEW',
    'ORDERS.PRICE_CHANGED',
    'ORDERS.PRODUCT_UNAVAILABLE',
    ...UPSTREAM_PROBLEMS,
  )
  checkout(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() idempotencyKey: string,
    @Body({ schema: CheckoutBodySchema }) body: CheckoutBody,
  ): Promise<OrderAccepted> {
    return this.orders.call(OrdersRpc.checkout, { ...body, idempotencyKey }, { ...PLACE_CALL, actor, hashKey: actor.userId });
  }
}
