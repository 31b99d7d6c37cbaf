export { env, commonEnv, postgresEnv, redisEnv, kafkaEnv, messagingEnv } from './env';
export { loadConfig, loadDotEnv, ConfigError, type ConfigOf } from './load-config';
