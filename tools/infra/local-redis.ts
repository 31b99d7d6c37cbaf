import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { sleepSync, withFileLock } from './file-lock';
import type { InfraConfig } from './infra-config';
import { commandLineOf, isAlive, ownedPid, readPidFile, stopPid, tailOf } from './processes';

interface LocalRedisPaths {
  data: string;
  pid: string;
  log: string;
  lock: string;
}

const pathsOf = (config: InfraConfig): LocalRedisPaths => {
  const data = resolve(config.dataDir, 'redis');
  return {
    data,
    pid: resolve(data, 'redis.pid'),
    log: resolve(data, 'redis.log'),
    lock: resolve(config.dataDir, 'redis.lock'),
  };
};

/** Pid of the redis-server this launcher started, if it still runs. */
export function localRedisPid(config: InfraConfig): number | undefined {
  return ownedPid(pathsOf(config).pid, ['redis-server']);
}

/** Why the redis-server just started is not coming up (it exited), or undefined while it may. */
export function localRedisFailure(config: InfraConfig): string | undefined {
  const paths = pathsOf(config);
  const pid = readPidFile(paths.pid);
  if (pid === undefined || isAlive(pid)) return undefined;
  return `the local redis-server exited (see ${paths.log}): ${tailOf(paths.log, 3)}`;
}

/**
 * Starts a private, daemonized `redis-server` on the configured host and port: data in
 * `.data/redis` (RDB snapshots only), pid file `.data/redis/redis.pid`, log `.data/redis/redis.log`.
 * Readiness (PING) is awaited by the caller.
 *
 * @returns the server's pid
 * @throws Error if redis-server cannot be run or does not start
 */
export function startLocalRedis(config: InfraConfig, log: (line: string) => void): number {
  const paths = pathsOf(config);
  return withFileLock(paths.lock, 60_000, () => {
    const running = localRedisPid(config);
    if (running !== undefined) {
      if (commandLineOf(running)?.includes(`:${config.redis.port}`)) return running;
      throw new Error(
        `Redis: the redis-server started by infra up (pid ${running}) listens elsewhere; stop it first (infra down)`,
      );
    }
    mkdirSync(paths.data, { recursive: true });
    rmSync(paths.pid, { force: true });
    const { host, port, password } = config.redis;
    const args = ['--daemonize', 'yes', '--bind', host, '--port', String(port), '--dir', paths.data];
    args.push('--pidfile', paths.pid, '--logfile', paths.log, '--save', '60 1000', '--appendonly', 'no');
    if (password !== undefined) args.push('--requirepass', password);
    const result = spawnSync('redis-server', args, { encoding: 'utf8', timeout: 30_000 });
    if (result.error || result.status !== 0) {
      throw new Error(`Redis: redis-server did not start: ${result.error?.message ?? (result.stderr || tailOf(paths.log, 3))}`);
    }
    // the daemon writes its pid file just after forking
    for (let i = 0; i < 50 && readPidFile(paths.pid) === undefined; i++) sleepSync(100);
    const pid = readPidFile(paths.pid);
    if (pid === undefined) throw new Error(`Redis: redis-server wrote no pid file (see ${paths.log}): ${tailOf(paths.log, 3)}`);
    log(`redis: started a local redis-server (pid ${pid}) on ${host}:${port}, data in ${paths.data}`);
    return pid;
  });
}

/**
 * Stops the redis-server this launcher started (SIGTERM, up to 20 s, then SIGKILL); never another.
 *
 * @returns true if it was running
 */
export async function stopLocalRedis(config: InfraConfig): Promise<boolean> {
  const pid = localRedisPid(config);
  if (pid === undefined) return false;
  await stopPid(pid, 20_000);
  rmSync(pathsOf(config).pid, { force: true });
  return true;
}
