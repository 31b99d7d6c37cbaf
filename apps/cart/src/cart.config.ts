import { loadServiceConfig } from '@shopmesh/config';

/** Cart's config: its declaration in `SERVICES` (`@shopmesh/config`) read from the environment. */
export const loadCartConfig = (source?: Record<string, string | undefined>) => loadServiceConfig('cart', source);

export type CartConfig = ReturnType<typeof loadCartConfig>;
