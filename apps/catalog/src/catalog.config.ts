import {
  commonEnv,
  env,
  kafkaEnv,
  loadConfig,
  messagingEnv,
  postgresEnv,
  redisEnv,
  rpcTlsEnv,
  type ConfigOf,
} from '@shopmesh/config';

export const catalogEnv = {
  ...commonEnv,
  ...postgresEnv,
  ...redisEnv,
  ...kafkaEnv,
  ...messagingEnv,
  ...rpcTlsEnv,
  CATALOG_DB_NAME: env.databaseName(),
  CATALOG_TCP_HOST: env.string('a host or IP address to listen on'),
  CATALOG_TCP_PORT: env.port(),
  CATALOG_OPS_HOST: env.string('a host or IP address to listen on'),
  CATALOG_OPS_PORT: env.port(),
  RPC_MAX_MESSAGE_CHARS: env.int(1024, 512 * 1024 * 1024, 'characters (1024 or more)'),
  SERVICE_REGISTRY: env.oneOf(['none', 'redis']),
  REGISTRY_TTL_MS: env.millis(300, 600_000),
  REGISTRY_NAMESPACE: env.string('a registry namespace'),
  CATALOG_ADVERTISED_ADDRESS: env.hostPorts(),
  CATALOG_CACHE_TTL_SECONDS: env.int(0, 86_400, 'seconds (0 turns the product cache off)'),
  HEALTH_CHECK_TIMEOUT_MS: env.millis(100, 10_000),
};

export type CatalogConfig = ConfigOf<typeof catalogEnv>;

export const loadCatalogConfig = (source?: Record<string, string | undefined>): CatalogConfig => loadConfig(catalogEnv, source);
