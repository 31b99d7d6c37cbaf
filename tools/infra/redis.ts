import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { InfraConfig } from './infra-config';
import { isAlive, stopPid } from './probes';

/** True if Redis answers PING. */
export async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

const pidFile = (config: InfraConfig): string => resolve(config.dataDir, 'redis', 'redis.pid');

/** Starts a private, daemonized redis-server on the configured port (data in `.data/redis`). */
export function startLocalRedis(config: InfraConfig, log: (line: string) => void): void {
  const dir = resolve(config.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const result = spawnSync(
    'redis-server',
    [
      '--daemonize',
      'yes',
      '--bind',
      config.redis.host,
      '--port',
      String(config.redis.port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--pidfile',
      pidFile(config),
      '--logfile',
      resolve(dir, 'redis.log'),
    ],
    { encoding: 'utf8' },
  );
  if (result.error || result.status !== 0) {
    throw new Error(
      `Redis: nothing answers at ${config.redis.url}, no Docker engine, and redis-server could not start (${result.error?.message ?? result.stderr}): install Redis or point REDIS_URL at one`,
    );
  }
  log(`redis: started a local server on port ${config.redis.port}`);
}

/** Stops the private redis-server if this launcher started one. */
export async function stopLocalRedis(config: InfraConfig): Promise<boolean> {
  const file = pidFile(config);
  if (!existsSync(file)) return false;
  const pid = Number(readFileSync(file, 'utf8'));
  if (!Number.isInteger(pid) || !isAlive(pid)) return false;
  await stopPid(pid, 10_000);
  return true;
}
