import { StockCommitted, StockRejected, StockReleased, StockReserved } from '@shopmesh/contracts';
import { messageOf, type NewMessage } from '@shopmesh/messaging';
import type { StockReply } from './domain/reservation-rules';

/** The `inventory.events` message of a reply, keyed by the order id. */
export function replyMessage(reply: StockReply, causationId?: string): NewMessage {
  const { orderId } = reply;
  switch (reply.kind) {
    case 'reserved':
      return messageOf(
        StockReserved,
        orderId,
        { orderId, items: reply.lines.map(({ sku, quantity }) => ({ sku, quantity })), expiresAt: reply.expiresAt.toISOString() },
        causationId,
      );
    case 'rejected':
      return messageOf(StockRejected, orderId, { orderId, unavailableSkus: [...reply.unavailableSkus] }, causationId);
    case 'committed':
      return messageOf(StockCommitted, orderId, { orderId }, causationId);
    case 'released':
      return messageOf(StockReleased, orderId, { orderId, reason: reply.reason }, causationId);
  }
}
