export { env, commonEnv, postgresEnv, redisEnv, kafkaEnv, messagingEnv, rpcTlsEnv } from './env';
export { loadRpcTls, type RpcTls } from './rpc-tls';
export { loadConfig, loadDotEnv, ConfigError, type ConfigOf } from './load-config';
