export { createRedisClient, type RedisClientOptions } from './redis-client';
