import { loadServiceConfig } from '@shopmesh/config';

/** Inventory's config: its declaration in `SERVICES` (`@shopmesh/config`) read from the environment. */
export const loadInventoryConfig = (source?: Record<string, string | undefined>) => loadServiceConfig('inventory', source);

export type InventoryConfig = ReturnType<typeof loadInventoryConfig>;
