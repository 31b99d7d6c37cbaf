import { commonEnv, env, loadConfig, redisEnv, rpcTlsEnv, type ConfigOf } from '@shopmesh/config';

export const gatewayEnv = {
  ...commonEnv,
  ...rpcTlsEnv,
  ...redisEnv,
  GATEWAY_HOST: env.string('a host or IP address to listen on'),
  GATEWAY_PORT: env.port(),
  CATALOG_DISCOVERY: env.oneOf(['static', 'dns', 'redis']),
  CATALOG_ADDRESSES: env.hostPorts(),
  REGISTRY_NAMESPACE: env.string('a registry namespace'),
  RPC_TIMEOUT_MS: env.millis(50, 60_000),
  RPC_BALANCING: env.oneOf(['round-robin', 'least-outstanding', 'consistent-hash']),
  RPC_MAX_PENDING_PER_INSTANCE: env.int(1, 100_000, 'calls in flight per instance (1-100000)'),
  RPC_BREAKER_FAILURES: env.int(1, 1000, 'consecutive failures that open a breaker'),
  RPC_BREAKER_OPEN_MS: env.millis(10, 600_000),
  RPC_MAX_MESSAGE_CHARS: env.int(1024, 512 * 1024 * 1024, 'characters (1024 or more)'),
  HEALTH_CHECK_TIMEOUT_MS: env.millis(100, 10_000),
};

export type GatewayConfig = ConfigOf<typeof gatewayEnv>;

export const loadGatewayConfig = (source?: Record<string, string | undefined>): GatewayConfig => loadConfig(gatewayEnv, source);
