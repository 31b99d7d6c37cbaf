import { createTestDatabase, dropTestDatabase, pgConnectionOf } from '@shopmesh/testing';
import { migrateIdentity } from '../../apps/identity/src/database/migrate';

/** A fresh, migrated identity test database for one suite. */
export async function prepareIdentityDatabase(
  suite: string,
  env: Record<string, string>,
): Promise<{ database: string; drop: () => Promise<void> }> {
  const database = await createTestDatabase(pgConnectionOf(env), 'shopmesh_identity', suite);
  await migrateIdentity({ ...env, IDENTITY_DB_NAME: database });
  return { database, drop: () => dropTestDatabase(pgConnectionOf(env), database) };
}
