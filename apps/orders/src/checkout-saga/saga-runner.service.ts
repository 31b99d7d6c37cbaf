import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SagaStep } from '@shopmesh/contracts';
import type { ConsumerTransaction } from '@shopmesh/messaging';
import { OrdersMetrics } from '../orders-metrics';
import type { Saga, SagaEvent, SagaSettings, Transition } from './saga';
import { commandMessage, outcomeMessage } from './saga-messages';
import { appendHistory, saveSaga, type StoredSaga, lockSaga } from './saga-repository';
import { ORDERS_CLOCK, SAGA_SETTINGS, type Clock } from './saga-settings';
import { transition } from './transition';

/** The steps that wait for a reply with a deadline of `stepTimeoutMs` from when they were entered. */
const FORWARD_STEPS: ReadonlySet<SagaStep> = new Set(['PENDING', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED']);

/** The transaction a saga moves in: SQL on orders' database and the outbox. */
export type SagaTransaction = ConsumerTransaction;

export type Applied = { found: false } | { found: true; stored: StoredSaga; transition: Transition };

/**
 * Moves sagas: locks the order, applies the state machine and, in the same transaction, writes the
 * new state (version-checked), its history (with a NOTIFY) and the commands and events it decided
 * (outbox). Callers own the transaction: a consumer's, the deadline scanner's or a cancel request's.
 */
@Injectable()
export class SagaRunner {
  private readonly logger = new Logger(SagaRunner.name);

  constructor(
    @Inject(SAGA_SETTINGS) private readonly settings: SagaSettings,
    @Inject(ORDERS_CLOCK) private readonly clock: Clock,
    private readonly metrics: OrdersMetrics,
  ) {}

  /** Applies `event` to the order's saga; `found: false` for an order this service does not know. */
  async apply(tx: SagaTransaction, orderId: string, event: SagaEvent, causationId?: string): Promise<Applied> {
    const stored = await lockSaga(tx, orderId);
    if (!stored) return { found: false };
    return { found: true, stored, transition: await this.applyTo(tx, stored, event, causationId) };
  }

  /** Applies `event` to a saga the caller has locked. */
  async applyTo(tx: SagaTransaction, stored: StoredSaga, event: SagaEvent, causationId?: string): Promise<Transition> {
    const { saga, version } = stored;
    const moved = transition(saga, event, this.clock(), this.settings);
    if (!moved.changed) {
      this.logger.debug(`order ${saga.orderId}: ${moved.why}`);
      return moved;
    }
    await saveSaga(tx, moved.saga, version);
    await appendHistory(tx, saga.orderId, moved.history);
    await tx.publish([
      ...moved.commands.map((c) => commandMessage(moved.saga, c, causationId)),
      ...moved.events.map((e) => outcomeMessage(moved.saga, e, causationId)),
    ]);
    this.count(moved, event, saga);
    return moved;
  }

  private count(moved: Transition & { changed: true }, event: SagaEvent, before: Saga): void {
    // a step entered before a live change of the step deadline is timed off by the change, for once
    const entered =
      before.deadlineAt && FORWARD_STEPS.has(before.step) ? before.deadlineAt.getTime() - this.settings.stepTimeoutMs : undefined;
    if (entered !== undefined && moved.saga.step !== before.step) {
      const seconds = (this.clock().getTime() - entered) / 1000;
      this.metrics.sagaStepDuration.observe({ step: before.step, next: moved.saga.step }, Math.max(0, seconds));
    }
    if (moved.resends > 0) {
      for (const owed of moved.saga.awaiting) this.metrics.compensationResends.inc({ compensation: owed });
    }
    for (const outcome of moved.events) {
      const seconds = (this.clock().getTime() - moved.saga.createdAt.getTime()) / 1000;
      const label = outcome.kind === 'OrderConfirmed' ? 'confirmed' : 'cancelled';
      this.metrics.sagaDuration.observe({ outcome: label }, Math.max(0, seconds));
      this.metrics.orders.inc({ outcome: label, reason: outcome.kind === 'OrderCancelled' ? outcome.reason : 'none' });
    }
    if (event.kind === 'DeadlinePassed' && moved.saga.step === 'COMPENSATING' && moved.resends === 0) {
      this.logger.warn(`order ${moved.saga.orderId} timed out; compensating ${moved.saga.awaiting.join(', ')}`);
    }
  }
}
