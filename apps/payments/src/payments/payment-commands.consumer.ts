import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AuthorizePayment, RefundPayment } from '@shopmesh/contracts';
import { ConsumerRegistry, isMessageOf, payloadOf, type ConsumerTransaction, type Envelope } from '@shopmesh/messaging';
import { AuthorizePaymentService } from './authorize-payment/authorize-payment.service';
import { PAYMENT_COMMANDS_CONSUMER } from './payments.tokens';
import { RefundPaymentService } from './refund-payment/refund-payment.service';

/** How the payments.commands consumer is registered (the Kafka group is `payments.<name>`). */
export interface PaymentCommandsConsumerOptions {
  name: string;
  /** Orders this instance handles (all by default); tests sharing the topic take only their own. */
  acceptsOrder?: (orderId: string) => boolean;
  /**
   * Where the group starts on a partition it has no committed offset for (default: its first message).
   * Not the end: a group that joined but had not committed yet (no command on that partition so far)
   * rejoins after a broker restart or a rebalance and would skip every command published meanwhile —
   * the outbox relays publish exactly then, when Kafka comes back. Tests with a fresh group on the
   * long-lived shared broker pass `false` (and wait until the group has committed).
   */
  fromBeginning?: boolean;
}

export const PAYMENT_COMMANDS_CONSUMER_NAME = 'payment-commands';

/** payments.commands → AuthorizePayment and RefundPayment, each in the transaction that records it as processed. */
@Injectable()
export class PaymentCommandsConsumer implements OnModuleInit {
  private readonly logger = new Logger(PaymentCommandsConsumer.name);

  constructor(
    private readonly consumers: ConsumerRegistry,
    private readonly authorizing: AuthorizePaymentService,
    private readonly refunding: RefundPaymentService,
    @Inject(PAYMENT_COMMANDS_CONSUMER) private readonly options: PaymentCommandsConsumerOptions,
  ) {}

  onModuleInit(): void {
    this.consumers.register({
      name: this.options.name,
      topics: [AuthorizePayment.topic],
      fromBeginning: this.options.fromBeginning ?? true,
      handler: (envelope, tx) => this.handle(envelope, tx),
    });
  }

  async handle(envelope: Envelope, tx: ConsumerTransaction): Promise<void> {
    if (isMessageOf(AuthorizePayment, envelope)) {
      const command = payloadOf(AuthorizePayment, envelope);
      if (this.accepts(command.orderId, envelope)) await this.authorizing.authorize(command, tx, envelope.id);
      return;
    }
    if (isMessageOf(RefundPayment, envelope)) {
      const command = payloadOf(RefundPayment, envelope);
      if (this.accepts(command.orderId, envelope)) await this.refunding.refund(command, tx, envelope.id);
      return;
    }
    this.logger.debug(`skipping ${envelope.type} v${envelope.version} ${envelope.id}`);
  }

  private accepts(orderId: string, envelope: Envelope): boolean {
    if (this.options.acceptsOrder?.(orderId) ?? true) return true;
    this.logger.debug(`skipping ${envelope.type} ${envelope.id}: order ${orderId} is not ours`);
    return false;
  }
}
