import { loadServiceConfig } from '@shopmesh/config';

/** Payments' config: its declaration in `SERVICES` (`@shopmesh/config`) read from the environment. */
export const loadPaymentsConfig = (source?: Record<string, string | undefined>) => loadServiceConfig('payments', source);

export type PaymentsConfig = ReturnType<typeof loadPaymentsConfig>;
