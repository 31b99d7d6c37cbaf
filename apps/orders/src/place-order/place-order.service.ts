import { Injectable } from '@nestjs/common';
import type { Actor, OrderAccepted, PlaceOrder } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { AcceptOrderService } from '../accept-order/accept-order.service';
import { requestHashOf } from '../idempotency/canonical-json';
import { IdempotencyKeys } from '../idempotency/idempotency-keys.service';
import { runIdempotent } from '../idempotency/idempotent-request';
import { CatalogOffers } from './catalog-offers';
import { priceOrder, type PricedOrder } from './price-order';

/** `orders.place`: the caller's order of products, priced by catalog, accepted once per Idempotency-Key. */
@Injectable()
export class PlaceOrderService {
  constructor(
    private readonly keys: IdempotencyKeys,
    private readonly offers: CatalogOffers,
    private readonly acceptance: AcceptOrderService,
  ) {}

  place(actor: Actor, { idempotencyKey, ...body }: PlaceOrder): Promise<OrderAccepted> {
    const request = { userId: actor.userId, key: idempotencyKey, scope: 'orders' as const, requestHash: requestHashOf(body) };
    return runIdempotent(this.keys, request, async (claim) => {
      const priced = pricedOrError(priceOrder(body.items, await this.offers.of(body.items.map((i) => i.productId))));
      return this.acceptance.accept(
        {
          userId: actor.userId,
          ...priced,
          shippingAddress: body.shippingAddress,
          paymentToken: body.paymentToken,
          origin: 'DIRECT',
        },
        claim,
      );
    });
  }
}

/** The priced lines, or the coded error a client sees. */
export function pricedOrError(priced: PricedOrder): Extract<PricedOrder, { ok: true }> {
  if (priced.ok) return priced;
  switch (priced.reason) {
    case 'PRODUCT_UNAVAILABLE':
      throw new AppError(
        'ORDERS.PRODUCT_UNAVAILABLE',
        `Unknown or not on sale: ${priced.productIds.join(', ')}`,
        priced.productIds.map((id) => ({ field: 'items', message: `product ${id} is unknown or not on sale` })),
      );
    case 'CURRENCY_MISMATCH':
      throw new AppError(
        'ORDERS.CURRENCY_MISMATCH',
        `The products are priced in several currencies: ${priced.currencies.join(', ')}`,
      );
    case 'TOTAL_TOO_LARGE':
      throw new AppError('ORDERS.TOTAL_TOO_LARGE', 'The order total is too large');
  }
}
