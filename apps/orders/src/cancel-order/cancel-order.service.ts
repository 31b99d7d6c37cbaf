import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Actor, OrderAccepted } from '@shopmesh/contracts';
import { CorrelationContext } from '@shopmesh/logging';
import { Outbox, consumerTransactionOf } from '@shopmesh/messaging';
import { DataSource } from 'typeorm';
import { lockSaga } from '../checkout-saga/saga-repository';
import { SagaRunner } from '../checkout-saga/saga-runner.service';
import { orderNotFound } from '../view-orders/view-orders.service';

/**
 * `orders.cancel`: the saga compensates whatever it had done (before or after CONFIRMED); the answer
 * is the order's public status right after. Cancelling a compensating or cancelled order changes
 * nothing (the first reason stays).
 */
@Injectable()
export class CancelOrderService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly runner: SagaRunner,
  ) {}

  cancel(actor: Actor, orderId: string): Promise<OrderAccepted> {
    return this.dataSource.transaction(async (manager) => {
      const tx = consumerTransactionOf(manager, this.outbox);
      const stored = await lockSaga(tx, orderId);
      if (!stored || (actor.role !== 'admin' && stored.saga.userId !== actor.userId)) throw orderNotFound(orderId);
      const moved = await CorrelationContext.run(CorrelationContext.currentId() ?? stored.correlationId, () =>
        this.runner.applyTo(tx, stored, { kind: 'CancelRequested' }),
      );
      return { orderId, status: moved.changed ? moved.saga.status : stored.saga.status };
    });
  }
}
