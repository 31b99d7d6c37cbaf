import { Injectable, Logger } from '@nestjs/common';
import { CartRpc, type Actor, type Checkout, type OrderAccepted } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { InjectRpcClient, type RpcClient } from '@shopmesh/rpc';
import { AcceptOrderService } from '../accept-order/accept-order.service';
import { requestHashOf } from '../idempotency/canonical-json';
import { IdempotencyKeys } from '../idempotency/idempotency-keys.service';
import { runIdempotent } from '../idempotency/idempotent-request';
import { OrdersMetrics } from '../orders-metrics';
import { CatalogOffers } from '../place-order/catalog-offers';
import { pricedOrError } from '../place-order/place-order.service';
import { priceOrder } from '../place-order/price-order';

/**
 * `orders.checkout`: an order of the caller's cart, at the prices the cart shows, which must still
 * be catalog's; the cart is emptied once the order is accepted (if that fails the order stands).
 */
@Injectable()
export class CheckoutService {
  private readonly logger = new Logger(CheckoutService.name);

  constructor(
    @InjectRpcClient('cart') private readonly cart: RpcClient,
    private readonly keys: IdempotencyKeys,
    private readonly offers: CatalogOffers,
    private readonly acceptance: AcceptOrderService,
    private readonly metrics: OrdersMetrics,
  ) {}

  checkout(actor: Actor, { idempotencyKey, ...body }: Checkout): Promise<OrderAccepted> {
    const request = { userId: actor.userId, key: idempotencyKey, scope: 'checkout' as const, requestHash: requestHashOf(body) };
    return runIdempotent(this.keys, request, async (claim) => {
      const cart = await this.cart.call(CartRpc.get, {}, { actor });
      if (cart.items.length === 0) throw new AppError('CART.EMPTY', 'The cart is empty');
      const review = cart.items.filter((i) => i.priceChanged || i.unavailable);
      if (review.length > 0) {
        throw new AppError(
          'CART.NEEDS_REVIEW',
          `Some cart lines need review: ${review.map((i) => i.productId).join(', ')}`,
          review.map((i) => ({
            field: 'items',
            message: `product ${i.productId} ${i.unavailable ? 'is no longer on sale' : 'changed its price'}`,
          })),
        );
      }
      const items = cart.items.map((i) => ({ productId: i.productId, quantity: i.quantity }));
      const priced = pricedOrError(priceOrder(items, await this.offers.of(items.map((i) => i.productId))));
      const changed = priced.lines.filter((line, i) => {
        const shown = cart.items[i]?.unitPrice;
        return shown?.amount !== line.unitPrice.amount || shown.currency !== line.unitPrice.currency;
      });
      if (changed.length > 0) {
        throw new AppError(
          'ORDERS.PRICE_CHANGED',
          `Prices changed since the cart was read: ${changed.map((l) => l.productId).join(', ')}`,
          changed.map((l) => ({
            field: 'items',
            message: `product ${l.productId} now costs ${l.unitPrice.amount} ${l.unitPrice.currency}`,
          })),
        );
      }
      const accepted = await this.acceptance.accept(
        {
          userId: actor.userId,
          ...priced,
          shippingAddress: body.shippingAddress,
          paymentToken: body.paymentToken,
          origin: 'CART',
        },
        claim,
      );
      await this.cart.call(CartRpc.clear, {}, { actor }).catch((error: unknown) => {
        this.metrics.cartClearFailures.inc();
        this.logger.warn(
          { err: error },
          `order ${accepted.orderId} accepted but the cart of user ${actor.userId} was not emptied`,
        );
      });
      return accepted;
    });
  }
}
