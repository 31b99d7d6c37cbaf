import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { recordAudit } from '@shopmesh/bootstrap';
import type { Actor, Operator, SagaAction, SagaActionResult, StockLine } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { CorrelationContext } from '@shopmesh/logging';
import { Outbox, consumerTransactionOf } from '@shopmesh/messaging';
import { DataSource } from 'typeorm';
import type { SagaEvent } from '../checkout-saga/saga';
import { lockSaga } from '../checkout-saga/saga-repository';
import { SagaRunner, type SagaTransaction } from '../checkout-saga/saga-runner.service';
import { orderNotFound } from '../view-orders/view-orders.service';

const requireAdmin = (actor: Actor): void => {
  if (actor.role !== 'admin') throw new AppError('AUTH.FORBIDDEN', 'Operating sagas is for the admin role');
};

/**
 * An operator's actions on a saga, through the saga's own state machine (never around it):
 * `retry` sends the current step's command again with a fresh deadline, `compensate` cancels the
 * order (CANCELLED_BY_OPERATOR) so the saga undoes what it did. Each is audited (who, when, what,
 * the outcome) in the same transaction as the saga's move, so neither exists without the other.
 */
@Injectable()
export class SagaOperationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly runner: SagaRunner,
  ) {}

  act(actor: Actor, operator: Operator, action: SagaAction, orderId: string): Promise<SagaActionResult> {
    requireAdmin(actor);
    return this.dataSource.transaction(async (manager) => {
      const tx = consumerTransactionOf(manager, this.outbox);
      const stored = await lockSaga(tx, orderId);
      if (!stored) throw orderNotFound(orderId);
      const event: SagaEvent =
        action === 'retry'
          ? { kind: 'RetryRequested', items: await linesOf(tx, orderId) }
          : { kind: 'CancelRequested', by: 'operator' };
      const moved = await CorrelationContext.run(CorrelationContext.currentId() ?? stored.correlationId, () =>
        this.runner.applyTo(tx, stored, event),
      );
      const saga = moved.changed ? moved.saga : stored.saga;
      const detail = moved.changed
        ? `${stored.saga.step} → ${saga.step}; sent ${moved.commands.map((c) => c.kind).join(', ') || 'nothing'}`
        : moved.why;
      await recordAudit(tx, {
        actorId: actor.userId,
        actorEmail: operator.email,
        action: `saga.${action}`,
        target: `order ${orderId}`,
        outcome: moved.changed ? 'applied' : 'unchanged',
        detail,
      });
      return { orderId, action, changed: moved.changed, status: saga.status, step: saga.step, detail };
    });
  }
}

async function linesOf(tx: SagaTransaction, orderId: string): Promise<StockLine[]> {
  return tx.query<StockLine>(`SELECT sku, quantity FROM order_lines WHERE order_id = $1 ORDER BY line_no`, [orderId]);
}
