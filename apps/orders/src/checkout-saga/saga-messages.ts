import {
  AuthorizePayment,
  CommitStock,
  OrderCancelled,
  OrderConfirmed,
  RefundPayment,
  ReleaseStock,
  ReserveStock,
} from '@shopmesh/contracts';
import { messageOf, type NewMessage } from '@shopmesh/messaging';
import type { OrderOutcomeEvent, Saga, SagaCommand } from './saga';

/** A command of the saga as the message it is on inventory.commands or payments.commands. */
export function commandMessage(saga: Saga, command: SagaCommand, causationId?: string): NewMessage {
  const orderId = saga.orderId;
  switch (command.kind) {
    case 'ReserveStock':
      return messageOf(
        ReserveStock,
        orderId,
        { orderId, items: [...command.items], expiresAt: command.expiresAt.toISOString() },
        causationId,
      );
    case 'AuthorizePayment':
      return messageOf(
        AuthorizePayment,
        orderId,
        { orderId, amount: command.amount, paymentToken: command.paymentToken },
        causationId,
      );
    case 'CommitStock':
      return messageOf(CommitStock, orderId, { orderId }, causationId);
    case 'ReleaseStock':
      return messageOf(ReleaseStock, orderId, { orderId, reason: 'ORDER_CANCELLED' }, causationId);
    case 'RefundPayment':
      return messageOf(RefundPayment, orderId, { orderId, reason: command.reason }, causationId);
  }
}

/** An outcome of the saga as the event it is on orders.events. */
export function outcomeMessage(saga: Saga, event: OrderOutcomeEvent, causationId?: string): NewMessage {
  const { orderId, userId } = saga;
  return event.kind === 'OrderConfirmed'
    ? messageOf(OrderConfirmed, orderId, { orderId, userId, total: saga.total }, causationId)
    : messageOf(OrderCancelled, orderId, { orderId, userId, reason: event.reason }, causationId);
}
