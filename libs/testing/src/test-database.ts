import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { isTestDatabaseName } from '@shopmesh/database';

export interface PgConnection {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** A fresh, empty database for one test suite, named `<base>_test_<suite>_<random>`. */
export async function createTestDatabase(conn: PgConnection, base: string, suite: string): Promise<string> {
  const name = `${base}_test_${suite}_${randomBytes(3).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!isTestDatabaseName(name)) throw new Error(`not a test database name: ${name}`);
  await withAdmin(conn, (client) => client.query(`CREATE DATABASE "${name}"`));
  return name;
}

/** Drops a database created by {@link createTestDatabase}; refuses any other. */
export async function dropTestDatabase(conn: PgConnection, name: string): Promise<void> {
  if (!isTestDatabaseName(name)) throw new Error(`refusing to drop ${name}: not a test database`);
  await withAdmin(conn, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

async function withAdmin<T>(conn: PgConnection, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ ...conn, database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The Postgres connection settings of a test env. */
export const pgConnectionOf = (env: Record<string, string>): PgConnection => ({
  host: env.POSTGRES_HOST ?? '127.0.0.1',
  port: Number(env.POSTGRES_PORT ?? 5432),
  user: env.POSTGRES_USER ?? 'postgres',
  password: env.POSTGRES_PASSWORD ?? '',
});
