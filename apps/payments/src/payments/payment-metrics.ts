import { Counter, type Registry } from 'prom-client';

export type PaymentOutcome = 'authorized' | 'declined' | 'timeout' | 'refunded' | 'voided';

/**
 * `payments_outcomes_total{outcome, repeat}`: commands answered, by outcome (`timeout`: the provider
 * never answered, the payment stays PENDING and nothing is published); `repeat="true"` when the
 * order had been decided before and the same answer was given again.
 * `payment_provider_failed_calls_total{operation}`: provider calls that failed or timed out.
 */
export class PaymentMetrics {
  private readonly outcomes: Counter<'outcome' | 'repeat'>;
  private readonly failedCalls: Counter<'operation'>;

  constructor(registry: Registry) {
    this.outcomes = new Counter({
      name: 'payments_outcomes_total',
      help: 'Payment commands answered, by outcome (authorized, declined, timeout, refunded, voided) and whether it repeated an earlier answer.',
      labelNames: ['outcome', 'repeat'] as const,
      registers: [registry],
    });
    this.failedCalls = new Counter({
      name: 'payment_provider_failed_calls_total',
      help: 'Calls of the payment provider that failed transiently or timed out, by operation.',
      labelNames: ['operation'] as const,
      registers: [registry],
    });
    for (const outcome of ['authorized', 'declined', 'timeout', 'refunded', 'voided'] as const) {
      this.outcomes.inc({ outcome, repeat: 'false' }, 0);
    }
  }

  count(outcome: PaymentOutcome, repeat = false): void {
    this.outcomes.inc({ outcome, repeat: String(repeat) });
  }

  failedCall(operation: string): void {
    this.failedCalls.inc({ operation });
  }
}
