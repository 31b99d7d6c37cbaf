import { loadDotEnv } from '@shopmesh/config';
import { migrateMain, runServiceMigrations } from '@shopmesh/database';
import { loadIdentityConfig } from '../identity.config';
import { identitySchema } from './identity.data-source';

/** Applies identity's pending migrations. */
export const migrateIdentity = (source?: Record<string, string | undefined>): Promise<string[]> =>
  runServiceMigrations(loadIdentityConfig(source).postgres, identitySchema);

if (require.main === module) {
  loadDotEnv();
  migrateMain('identity', () => migrateIdentity());
}
