import { Controller } from '@nestjs/common';
import { PaymentsRpc, type Actor, type OrderPayment } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { RpcActor, RpcHandler, RpcPayload } from '@shopmesh/rpc';
import { OrderPaymentService } from './order-payment/order-payment.service';

/** Payments' RPCs (TCP), admin only: charges themselves travel as Kafka commands. */
@Controller()
export class PaymentsRpcController {
  constructor(private readonly orderPayment: OrderPaymentService) {}

  @RpcHandler(PaymentsRpc.ofOrder)
  ofOrder(@RpcPayload(PaymentsRpc.ofOrder) { orderId }: { orderId: string }, @RpcActor() actor: Actor): Promise<OrderPayment> {
    if (actor.role !== 'admin') throw new AppError('AUTH.FORBIDDEN', 'Only an admin may read payments');
    return this.orderPayment.ofOrder(orderId);
  }
}
