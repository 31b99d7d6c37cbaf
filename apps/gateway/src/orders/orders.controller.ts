import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ListOrdersQuerySchema,
  OrderAcceptedSchema,
  OrderIdParamsSchema,
  OrderPageSchema,
  OrderSchema,
  OrdersRpc,
  PlaceOrderBodySchema,
  type Actor,
  type ListOrdersQuery,
  type Order,
  type OrderAccepted,
  type OrderIdParams,
  type OrderPage,
  type PlaceOrderBody,
} from '@shopmesh/contracts';
import { InjectRpcClient, type RpcClient } from '@shopmesh/rpc';
import { Authenticated } from '../auth/auth.decorators';
import { CurrentActor } from '../auth/authenticated-user';
import { RateLimit } from '../edge/rate-limit/rate-limit.decorator';
import { ApiProblemResponses, BODY_PROBLEMS, UPSTREAM_PROBLEMS } from '../openapi/api-problem-responses.decorator';
import { CheckoutOpen } from './checkout-open.guard';
import { ApiIdempotencyKey, IdempotencyKey } from './idempotency-key';

/** What placing an order can answer besides the body problems (shared with the cart's checkout). */
export const PLACE_PROBLEMS = [
  'IDEMPOTENCY.KEY_REQUIRED',
  'IDEMPOTENCY.KEY_REUSED',
  'IDEMPOTENCY.IN_PROGRESS',
  'ORDERS.CURRENCY_MISMATCH',
  'ORDERS.TOTAL_TOO_LARGE',
  'RATE_LIMIT.EXCEEDED',
  'CHECKOUT.CLOSED',
] as const;

/**
 * Deadline of placing an order (and of a checkout): orders reads catalog (and the cart) and writes the
 * order, its saga and its key in one transaction, slower than a read under a burst of checkouts. One
 * attempt gets all of it: a retry after a timeout would only race the first attempt and answer
 * `IDEMPOTENCY.IN_PROGRESS`; a refused connection is still retried on another instance.
 */
export const PLACE_CALL = { timeoutMs: 10_000, minAttemptMs: 10_000 } as const;

/**
 * Orders of the caller (an admin sees and cancels every order). Placing one answers 202 at once:
 * the checkout saga runs behind it, its steps show in `statusHistory` and on `GET /v1/orders/:id/events`.
 */
@ApiTags('orders')
@Controller('v1/orders')
@Authenticated()
export class OrdersController {
  constructor(@InjectRpcClient('orders') private readonly orders: RpcClient) {}

  @Post()
  @HttpCode(202)
  @RateLimit('write')
  @CheckoutOpen()
  @ApiIdempotencyKey()
  @ApiOperation({
    summary:
      'Place an order of these products (prices and names come from catalog); answers 202 PENDING and the saga reserves, charges and confirms',
  })
  @ApiAcceptedResponse({ standardSchema: OrderAcceptedSchema })
  @ApiProblemResponses(...BODY_PROBLEMS, ...PLACE_PROBLEMS, 'ORDERS.PRODUCT_UNAVAILABLE', ...UPSTREAM_PROBLEMS)
  place(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() idempotencyKey: string,
    @Body({ schema: PlaceOrderBodySchema }) body: PlaceOrderBody,
  ): Promise<OrderAccepted> {
    return this.orders.call(OrdersRpc.place, { ...body, idempotencyKey }, { ...PLACE_CALL, actor, hashKey: actor.userId });
  }

  @Get()
  @RateLimit('read')
  @ApiOperation({ summary: "A page of the caller's orders (an admin: everyone's), newest first, optionally of one status" })
  @ApiOkResponse({ standardSchema: OrderPageSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  list(@CurrentActor() actor: Actor, @Query({ schema: ListOrdersQuerySchema }) query: ListOrdersQuery): Promise<OrderPage> {
    return this.orders.call(OrdersRpc.list, query, { actor });
  }

  @Get(':id')
  @RateLimit('read')
  @ApiOperation({ summary: "One order with its lines, total and status history (another user's order is 404)" })
  @ApiOkResponse({ standardSchema: OrderSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'ORDERS.ORDER_NOT_FOUND', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  get(@CurrentActor() actor: Actor, @Param({ schema: OrderIdParamsSchema }) params: OrderIdParams): Promise<Order> {
    return this.orders.call(OrdersRpc.get, params, { actor });
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @RateLimit('write')
  @ApiOperation({
    summary:
      'Cancel an order: before confirmation the saga undoes what it did, after it refunds and returns the stock; ends CANCELLED (CANCELLED_BY_USER)',
  })
  @ApiAcceptedResponse({ standardSchema: OrderAcceptedSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'ORDERS.ORDER_NOT_FOUND', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  cancel(@CurrentActor() actor: Actor, @Param({ schema: OrderIdParamsSchema }) params: OrderIdParams): Promise<OrderAccepted> {
    return this.orders.call(OrdersRpc.cancel, params, { actor });
  }
}
