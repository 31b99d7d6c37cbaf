import { loadDotEnv } from '@shopmesh/config';
import { migrateMain, runServiceMigrations } from '@shopmesh/database';
import { loadPaymentsConfig } from '../payments.config';
import { paymentsSchema } from './payments.data-source';

/** Applies payments' pending migrations. */
export const migratePayments = (source?: Record<string, string | undefined>): Promise<string[]> =>
  runServiceMigrations(loadPaymentsConfig(source).postgres, paymentsSchema);

if (require.main === module) {
  loadDotEnv();
  migrateMain('payments', () => migratePayments());
}
