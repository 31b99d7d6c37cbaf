import { loadServiceConfig } from '@shopmesh/config';

/** Catalog's config: its declaration in `SERVICES` (`@shopmesh/config`) read from the environment. */
export const loadCatalogConfig = (source?: Record<string, string | undefined>) => loadServiceConfig('catalog', source);

export type CatalogConfig = ReturnType<typeof loadCatalogConfig>;
