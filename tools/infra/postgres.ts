import { Client } from 'pg';
import { loadInfraConfig, type PostgresConfig } from './infra-config';

/** Where and as whom to connect (the `postgres` maintenance database is used). */
export type PostgresConnection = Pick<PostgresConfig, 'host' | 'port' | 'user' | 'password'>;

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

async function withClient<T>(pg: PostgresConnection, fn: (client: Client) => Promise<T>): Promise<T> {
  const { host, port, user, password } = pg;
  const client = new Client({ host, port, user, password, database: 'postgres', connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined); // a server that goes away must not crash the launcher
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True if Postgres at `pg` accepts a connection and answers `select 1`. */
export async function postgresAnswers(pg: PostgresConnection): Promise<boolean> {
  try {
    return await withClient(pg, async (client) => (await client.query('select 1 as ok')).rowCount === 1);
  } catch {
    return false;
  }
}

/**
 * Creates each database in `names` that does not exist yet (idempotent, and safe when two
 * processes create the same database at once). Used by `infraUp`, and by tests for their own
 * databases (`shopmesh_catalog_test`…).
 *
 * @param names - lower-case identifiers (`[a-z_][a-z0-9_]*`, at most 63 characters)
 * @param pg - connection; default: the launcher's configuration (environment, `.env`, defaults)
 * @returns the databases that were created by this call
 * @throws Error on an invalid name, or if Postgres cannot be reached
 */
export async function ensureDatabases(
  names: readonly string[],
  pg: PostgresConnection = loadInfraConfig().postgres,
): Promise<string[]> {
  const invalid = names.filter((name) => !DATABASE_NAME.test(name));
  if (invalid.length > 0) throw new Error(`Postgres: invalid database name(s): ${invalid.join(', ')}`);
  return withClient(pg, async (client) => {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database');
    const existing = new Set(rows.map((row) => row.datname));
    const created: string[] = [];
    for (const name of new Set(names)) {
      if (existing.has(name)) continue;
      try {
        await client.query(`CREATE DATABASE "${name}"`);
        created.push(name);
      } catch (error) {
        // 42P04 duplicate_database, 23505 unique_violation: another process created it just now
        const code = (error as { code?: unknown }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      }
    }
    return created;
  });
}
