import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withFileLock } from './file-lock';
import type { InfraConfig } from './infra-config';
import { isAlive, ownedPid, stopPid, tailOf } from './processes';

const PG_ROOT = '/usr/lib/postgresql';

interface LocalPostgresPaths {
  /** The cluster (PGDATA); also holds the Unix socket and server.log. */
  data: string;
  log: string;
  lock: string;
}

const pathsOf = (config: InfraConfig): LocalPostgresPaths => {
  const data = resolve(config.dataDir, 'postgres');
  return { data, log: resolve(data, 'server.log'), lock: resolve(config.dataDir, 'postgres.lock') };
};

/** bin directory of the installed PostgreSQL with initdb and pg_ctl: `preferred` version, else the newest. */
function binDir(preferred?: string): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const usable = readdirSync(PG_ROOT)
    .filter((v) => existsSync(resolve(PG_ROOT, v, 'bin/initdb')) && existsSync(resolve(PG_ROOT, v, 'bin/pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  const version = preferred !== undefined && usable.includes(preferred) ? preferred : usable[0];
  return version === undefined ? undefined : resolve(PG_ROOT, version, 'bin');
}

/** initdb and postgres refuse to run as root: as root, run them as the `postgres` system user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0)
    throw new Error('Postgres: running as root and there is no "postgres" user to run a local cluster as');
  return { uid, gid: id('-g') };
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const asPostgres = process.getuid?.() === 0;
  const [file, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return spawnSync(file, argv, { cwd, encoding: 'utf8', timeout: 120_000 });
}

const clusterVersion = (paths: LocalPostgresPaths): string | undefined => {
  const file = resolve(paths.data, 'PG_VERSION');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
};

/** Pid of the postmaster of `.data/postgres` if it runs (that cluster is only ever started by us). */
export function localPostgresPid(config: InfraConfig): number | undefined {
  const paths = pathsOf(config);
  return ownedPid(resolve(paths.data, 'postmaster.pid'), ['postgres', paths.data]);
}

/** True if PostgreSQL server binaries are installed where the launcher looks for them. */
export const postgresBinariesExist = (): boolean => binDir() !== undefined;

/**
 * Starts a private PostgreSQL cluster in `.data/postgres` (created with initdb, trust auth, the
 * configured user as superuser) on the configured host and port, with the machine's binaries
 * (`/usr/lib/postgresql/<version>/bin`). Returns once the server accepts connections.
 *
 * @returns the postmaster's pid
 * @throws Error naming what is missing (binaries, a `postgres` user when run as root) or the server log's tail
 */
export function startLocalPostgres(config: InfraConfig, log: (line: string) => void): number {
  const paths = pathsOf(config);
  return withFileLock(paths.lock, 180_000, () => {
    const running = localPostgresPid(config);
    if (running !== undefined) {
      // postmaster.pid, line 4: the port it listens on
      const port = readFileSync(resolve(paths.data, 'postmaster.pid'), 'utf8').split('\n')[3]?.trim();
      if (port === String(config.postgres.port)) return running;
      throw new Error(
        `Postgres: the local cluster started by infra up (pid ${running}) listens on port ${port}; stop it first (infra down)`,
      );
    }
    const bin = binDir(clusterVersion(paths));
    if (bin === undefined) throw new Error(`Postgres: no initdb/pg_ctl under ${PG_ROOT}/*/bin`);
    const owner = serverUser();
    if (clusterVersion(paths) === undefined) {
      mkdirSync(paths.data, { recursive: true, mode: 0o700 });
      if (owner) chownSync(paths.data, owner.uid, owner.gid);
      log(`postgres: creating a local cluster in ${paths.data}`);
      const init = run(
        resolve(bin, 'initdb'),
        ['-D', paths.data, '-U', config.postgres.user, '--auth=trust', '--encoding=UTF8', '--locale=C'],
        paths.data,
      );
      if (init.status !== 0) throw new Error(`Postgres: initdb failed: ${(init.stderr || init.stdout).trim()}`);
    }
    const { host, port } = config.postgres;
    const options = `-p ${port} -c listen_addresses='${host}' -c unix_socket_directories='${paths.data}'`;
    const start = run(
      resolve(bin, 'pg_ctl'),
      ['-D', paths.data, '-l', paths.log, '-w', '-t', '60', '-o', options, 'start'],
      paths.data,
    );
    const pid = localPostgresPid(config);
    if (start.status !== 0 || pid === undefined) {
      throw new Error(`Postgres: the local cluster did not start (see ${paths.log}): ${tailOf(paths.log, 3)}`);
    }
    log(`postgres: started a local cluster (pid ${pid}) on ${host}:${port}, data in ${paths.data}`);
    return pid;
  });
}

/**
 * Stops the cluster of `.data/postgres` if it runs: `pg_ctl stop -m fast` (up to 20 s), then
 * immediate mode, then SIGKILL. Never touches any other PostgreSQL.
 *
 * @returns true if it was running
 */
export async function stopLocalPostgres(config: InfraConfig): Promise<boolean> {
  const pid = localPostgresPid(config);
  if (pid === undefined) return false;
  const paths = pathsOf(config);
  const pgCtl = resolve(binDir(clusterVersion(paths)) ?? '', 'pg_ctl');
  for (const mode of ['fast', 'immediate']) {
    if (!isAlive(pid)) break;
    run(pgCtl, ['-D', paths.data, '-m', mode, '-w', '-t', '20', 'stop'], paths.data);
  }
  await stopPid(pid, 5_000);
  return true;
}
