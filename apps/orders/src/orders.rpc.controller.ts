import { Controller, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import {
  metaOfMessage,
  OrdersRpc,
  type Actor,
  type Checkout,
  type ListOrdersQuery,
  type Order,
  type OrderAccepted,
  type OrderHistory,
  type OrderIdParams,
  type OrderPage,
  type PlaceOrder,
} from '@shopmesh/contracts';
import { RpcActor, RpcHandler, RpcPayload } from '@shopmesh/rpc';
import type { z } from 'zod';
import { CancelOrderService } from './cancel-order/cancel-order.service';
import { CheckoutService } from './checkout/checkout.service';
import { OrderHistoryService } from './order-history/order-history.service';
import { PlaceOrderService } from './place-order/place-order.service';
import { ViewOrdersService } from './view-orders/view-orders.service';

type HistoryRequest = z.output<typeof OrdersRpc.history.request>;

/** When the caller stops waiting for this call (epoch ms), if it said. */
const RpcDeadline = createParamDecorator(
  (_: unknown, context: ExecutionContext): number | undefined => metaOfMessage(context.switchToRpc().getData())?.deadlineAt,
);
/** A long poll answers this long before its caller's deadline, so the (possibly empty) answer arrives. */
const ANSWER_MARGIN_MS = 250;

/** Orders' RPCs (TCP): each acts for the verified user of the call and hands its validated request to its use case. */
@Controller()
export class OrdersRpcController {
  constructor(
    private readonly placing: PlaceOrderService,
    private readonly checkouts: CheckoutService,
    private readonly viewing: ViewOrdersService,
    private readonly histories: OrderHistoryService,
    private readonly cancelling: CancelOrderService,
  ) {}

  @RpcHandler(OrdersRpc.place)
  place(@RpcActor() actor: Actor, @RpcPayload(OrdersRpc.place) request: PlaceOrder): Promise<OrderAccepted> {
    return this.placing.place(actor, request);
  }

  @RpcHandler(OrdersRpc.checkout)
  checkout(@RpcActor() actor: Actor, @RpcPayload(OrdersRpc.checkout) request: Checkout): Promise<OrderAccepted> {
    return this.checkouts.checkout(actor, request);
  }

  @RpcHandler(OrdersRpc.get)
  get(@RpcActor() actor: Actor, @RpcPayload(OrdersRpc.get) { id }: OrderIdParams): Promise<Order> {
    return this.viewing.get(actor, id);
  }

  @RpcHandler(OrdersRpc.list)
  list(@RpcActor() actor: Actor, @RpcPayload(OrdersRpc.list) query: ListOrdersQuery): Promise<OrderPage> {
    return this.viewing.list(actor, query);
  }

  @RpcHandler(OrdersRpc.history)
  history(
    @RpcActor() actor: Actor,
    @RpcPayload(OrdersRpc.history) request: HistoryRequest,
    @RpcDeadline() deadlineAt: number | undefined,
  ): Promise<OrderHistory> {
    const waitMs =
      deadlineAt === undefined
        ? request.waitMs
        : Math.min(request.waitMs, Math.max(0, deadlineAt - Date.now() - ANSWER_MARGIN_MS));
    return this.histories.history(actor, { ...request, waitMs });
  }

  @RpcHandler(OrdersRpc.cancel)
  cancel(@RpcActor() actor: Actor, @RpcPayload(OrdersRpc.cancel) { id }: OrderIdParams): Promise<OrderAccepted> {
    return this.cancelling.cancel(actor, id);
  }
}
