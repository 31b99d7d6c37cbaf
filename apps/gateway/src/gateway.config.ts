import { commonEnv, env, loadConfig, type ConfigOf } from '@shopmesh/config';

export const gatewayEnv = {
  ...commonEnv,
  GATEWAY_HOST: env.string('a host or IP address to listen on'),
  GATEWAY_PORT: env.port(),
  CATALOG_TCP_HOST: env.string('the host of the catalog service'),
  CATALOG_TCP_PORT: env.port(),
  RPC_TIMEOUT_MS: env.millis(50, 60_000),
  HEALTH_CHECK_TIMEOUT_MS: env.millis(100, 10_000),
};

export type GatewayConfig = ConfigOf<typeof gatewayEnv>;

export const loadGatewayConfig = (source?: Record<string, string | undefined>): GatewayConfig => loadConfig(gatewayEnv, source);
