export { env, commonEnv, postgresEnv, redisEnv, kafkaEnv, messagingEnv, rpcEnv, rpcTlsEnv, settingsEnv } from './env';
export { loadRpcTls, type RpcTls } from './rpc-tls';
export { loadConfig, loadDotEnv, readEnvFile, ConfigError, type ConfigOf } from './load-config';
export {
  SERVICES,
  SERVICE_NAMES,
  envNamesOf,
  defaultDatabaseOf,
  startOrder,
  uses,
  readsLiveSettings,
  type AppEnvOf,
  type Dependency,
  type ServiceDeclaration,
  type ServiceName,
} from './services';
export {
  DEFAULT_REGISTRY_NAMESPACE,
  loadServiceConfig,
  serviceEnvShape,
  type PostgresConfig,
  type RpcTargetConfig,
  type ServiceConfig,
} from './service-config';
export { edgeEnv, type EdgeConfig } from './edge-env';
export { testOnlyEnv } from './test-only-env';
export { tracingEnv, loadTracingConfig, DEFAULT_ZIPKIN_URL, type TracingConfig } from './tracing-env';
export { APP_NODE_FLAGS } from './node-flags';
