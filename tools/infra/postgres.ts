import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import type { InfraConfig } from './infra-config';

type Pg = InfraConfig['postgres'];

/** True if Postgres accepts a query. */
export async function postgresAnswers(pg: Pg): Promise<boolean> {
  const client = new Client({ ...pg, database: 'postgres', connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates each database that does not exist yet; returns the ones created. */
export async function ensureDatabases(pg: Pg, names: readonly string[]): Promise<string[]> {
  const client = new Client({ ...pg, database: 'postgres', connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database');
    const existing = new Set(rows.map((r) => r.datname));
    const created: string[] = [];
    for (const name of names) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Postgres: invalid database name ${name}`);
      if (existing.has(name)) continue;
      await client.query(`CREATE DATABASE "${name}"`);
      created.push(name);
    }
    return created;
  } finally {
    await client.end();
  }
}

function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => resolve(root, v, 'bin')).find((dir) => existsSync(resolve(dir, 'pg_ctl')));
}

/** Starts a private Postgres cluster in `.data/postgres` (trust auth) from the machine's binaries. */
export function startLocalPostgres(config: InfraConfig, log: (line: string) => void): void {
  const bin = postgresBinDir();
  if (!bin)
    throw new Error(
      `Postgres: nothing answers at ${config.postgres.host}:${config.postgres.port}, no Docker engine, and no PostgreSQL binaries (/usr/lib/postgresql/*/bin): install PostgreSQL or point POSTGRES_HOST/PORT at one`,
    );
  if (process.getuid?.() === 0)
    throw new Error('Postgres: refusing to initialise a cluster as root; start PostgreSQL as a service or run as a normal user');
  const dir = resolve(config.dataDir, 'postgres');
  if (!existsSync(resolve(dir, 'PG_VERSION'))) {
    mkdirSync(dir, { recursive: true });
    const init = spawnSync(resolve(bin, 'initdb'), ['-D', dir, '-U', config.postgres.user, '--auth=trust'], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`Postgres: initdb failed: ${init.stderr}`);
  }
  const start = spawnSync(
    resolve(bin, 'pg_ctl'),
    [
      '-D',
      dir,
      '-l',
      resolve(dir, 'server.log'),
      '-o',
      `-p ${config.postgres.port} -k ${dir} -h ${config.postgres.host}`,
      'start',
    ],
    { encoding: 'utf8' },
  );
  if (start.status !== 0) throw new Error(`Postgres: pg_ctl start failed: ${start.stderr}`);
  log(`postgres: started a local cluster in ${dir}`);
}

/** Stops the private cluster if this launcher started one. */
export function stopLocalPostgres(config: InfraConfig): boolean {
  const dir = resolve(config.dataDir, 'postgres');
  const bin = postgresBinDir();
  if (!bin || !existsSync(resolve(dir, 'postmaster.pid'))) return false;
  return spawnSync(resolve(bin, 'pg_ctl'), ['-D', dir, 'stop', '-m', 'fast'], { encoding: 'utf8' }).status === 0;
}
