import { loadServiceConfig } from '@shopmesh/config';

/** Orders' config: its declaration in `SERVICES` (`@shopmesh/config`) read from the environment. */
export const loadOrdersConfig = (source?: Record<string, string | undefined>) => loadServiceConfig('orders', source);

export type OrdersConfig = ReturnType<typeof loadOrdersConfig>;
