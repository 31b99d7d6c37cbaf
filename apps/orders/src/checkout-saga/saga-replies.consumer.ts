import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  PaymentAuthorized,
  PaymentDeclined,
  PaymentRefunded,
  StockCommitted,
  StockRejected,
  StockReleased,
  StockReserved,
} from '@shopmesh/contracts';
import { ConsumerRegistry, isMessageOf, payloadOf, type ConsumerTransaction, type Envelope } from '@shopmesh/messaging';
import type { SagaEvent } from './saga';
import { SagaRunner } from './saga-runner.service';

/** How the reply consumers are registered (Kafka groups `orders.<name>`; tests take their own). */
export interface SagaConsumerOptions {
  inventoryEvents: string;
  paymentsEvents: string;
  fromBeginning?: boolean;
}
export const SAGA_CONSUMERS = Symbol('SAGA_CONSUMERS');

/**
 * A new group reads the reply topics from their start: a reply published before the group's first
 * commit on a partition (first deployment, a partition that had no message yet) must not be skipped;
 * replies about other orders are skipped cheaply.
 */
export const DEFAULT_SAGA_CONSUMERS: SagaConsumerOptions = {
  inventoryEvents: 'inventory-events',
  paymentsEvents: 'payments-events',
  fromBeginning: true,
};

/**
 * inventory.events and payments.events → the checkout saga. Each reply moves its order's saga in
 * the transaction that records the message as processed; replies about orders this service does
 * not know (other suites, other systems on shared topics) are skipped.
 */
@Injectable()
export class SagaRepliesConsumer implements OnModuleInit {
  private readonly logger = new Logger(SagaRepliesConsumer.name);

  constructor(
    private readonly consumers: ConsumerRegistry,
    private readonly runner: SagaRunner,
    @Inject(SAGA_CONSUMERS) private readonly options: SagaConsumerOptions,
  ) {}

  onModuleInit(): void {
    const handler = (envelope: Envelope, tx: ConsumerTransaction) => this.handle(envelope, tx);
    const { fromBeginning } = this.options;
    this.consumers.register({ name: this.options.inventoryEvents, topics: [StockReserved.topic], fromBeginning, handler });
    this.consumers.register({ name: this.options.paymentsEvents, topics: [PaymentAuthorized.topic], fromBeginning, handler });
  }

  async handle(envelope: Envelope, tx: ConsumerTransaction): Promise<void> {
    const reply = replyOf(envelope);
    if (!reply) {
      this.logger.debug(`skipping ${envelope.type} v${envelope.version} ${envelope.id}`);
      return;
    }
    const applied = await this.runner.apply(tx, reply.orderId, reply.event, envelope.id);
    if (!applied.found) this.logger.debug(`skipping ${envelope.type} ${envelope.id}: order ${reply.orderId} is not ours`);
  }
}

function replyOf(envelope: Envelope): { orderId: string; event: SagaEvent } | undefined {
  if (isMessageOf(StockReserved, envelope))
    return { orderId: payloadOf(StockReserved, envelope).orderId, event: { kind: 'StockReserved' } };
  if (isMessageOf(StockRejected, envelope))
    return { orderId: payloadOf(StockRejected, envelope).orderId, event: { kind: 'StockRejected' } };
  if (isMessageOf(StockCommitted, envelope))
    return { orderId: payloadOf(StockCommitted, envelope).orderId, event: { kind: 'StockCommitted' } };
  if (isMessageOf(StockReleased, envelope)) {
    const { orderId, reason } = payloadOf(StockReleased, envelope);
    return { orderId, event: { kind: 'StockReleased', reason } };
  }
  if (isMessageOf(PaymentAuthorized, envelope)) {
    const { orderId, paymentId } = payloadOf(PaymentAuthorized, envelope);
    return { orderId, event: { kind: 'PaymentAuthorized', paymentId } };
  }
  if (isMessageOf(PaymentDeclined, envelope))
    return { orderId: payloadOf(PaymentDeclined, envelope).orderId, event: { kind: 'PaymentDeclined' } };
  if (isMessageOf(PaymentRefunded, envelope))
    return { orderId: payloadOf(PaymentRefunded, envelope).orderId, event: { kind: 'PaymentRefunded' } };
  return undefined;
}
