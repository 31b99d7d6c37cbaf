import { CanActivate, Injectable, UseGuards } from '@nestjs/common';
import { AppError } from '@shopmesh/errors';
import { LiveSettings } from '@shopmesh/settings';

/**
 * Refuses a new order while the live flag `checkout.open` is false: 503 `CHECKOUT.CLOSED`, before
 * anything is read or written (orders already placed go on through their saga).
 */
@Injectable()
export class CheckoutOpenGuard implements CanActivate {
  constructor(private readonly settings: LiveSettings) {}

  canActivate(): boolean {
    if (this.settings.get('checkout.open')) return true;
    throw new AppError('CHECKOUT.CLOSED', 'Checkout is closed for now; orders placed before go on. Retry later');
  }
}

/** A route that places an order: refused while checkout is closed. */
export const CheckoutOpen = (): MethodDecorator & ClassDecorator => UseGuards(CheckoutOpenGuard);
