export { env, commonEnv, postgresEnv, redisEnv, kafkaEnv } from './env';
export { loadConfig, loadDotEnv, ConfigError, type ConfigOf } from './load-config';
