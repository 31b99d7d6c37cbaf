import type { LiveSettings } from '@shopmesh/settings';
import type { SagaSettings } from './saga';

/**
 * The saga's settings with the step deadline and the reservation TTL read from the live settings
 * each time a transition reads them: a change applies to steps entered (and reservations asked)
 * from then on; deadlines already set stay as they were.
 */
export const liveSagaSettings = (fixed: SagaSettings, settings: LiveSettings): SagaSettings => ({
  compensationRetryMs: fixed.compensationRetryMs,
  get stepTimeoutMs() {
    return settings.get('orders.stepTimeoutMs');
  },
  get reservationTtlMs() {
    return settings.get('orders.reservationTtlSeconds') * 1000;
  },
});
