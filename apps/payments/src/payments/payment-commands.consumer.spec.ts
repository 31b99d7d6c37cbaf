import type { ConsumerRegistration, ConsumerRegistry } from '@shopmesh/messaging';
import type { AuthorizePaymentService } from './authorize-payment/authorize-payment.service';
import { PaymentCommandsConsumer, type PaymentCommandsConsumerOptions } from './payment-commands.consumer';
import type { RefundPaymentService } from './refund-payment/refund-payment.service';

const registrationOf = (options: PaymentCommandsConsumerOptions): ConsumerRegistration => {
  const registered: ConsumerRegistration[] = [];
  const registry = { register: (r: ConsumerRegistration) => void registered.push(r) } as unknown as ConsumerRegistry;
  new PaymentCommandsConsumer(registry, {} as AuthorizePaymentService, {} as RefundPaymentService, options).onModuleInit();
  expect(registered).toHaveLength(1);
  return registered[0];
};

describe('PaymentCommandsConsumer registration', () => {
  it('reads payments.commands from the first message where its group has no committed offset', () => {
    // from the end, a group that had not committed yet would skip, after a broker restart or a
    // rebalance, the AuthorizePayment commands the orders relay published meanwhile
    expect(registrationOf({ name: 'payment-commands' })).toMatchObject({
      name: 'payment-commands',
      topics: ['payments.commands'],
      fromBeginning: true,
    });
  });

  it('lets a test suite with a group of its own on the shared broker start at the end', () => {
    expect(registrationOf({ name: 'commands-suite', fromBeginning: false })).toMatchObject({ fromBeginning: false });
  });
});
