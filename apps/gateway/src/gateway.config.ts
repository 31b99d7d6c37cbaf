import { loadServiceConfig } from '@shopmesh/config';

/** The gateway's config: its declaration in `SERVICES` (`@shopmesh/config`) read from the environment. */
export const loadGatewayConfig = (source?: Record<string, string | undefined>) => loadServiceConfig('gateway', source);

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
