import { resolve } from 'node:path';
// eslint-disable-next-line no-restricted-imports -- Jest's globalSetup loads this without module mapping
import { generateDevKeyPair } from '../libs/auth/src/dev-key-pair';
import { infraUp } from '../tools/infra';

/**
 * Before integration and end-to-end suites: real Postgres, Redis and Kafka, started if nothing
 * answers (idempotent and quick when they already run). Each suite then makes its own database.
 */
export default async function globalSetup(): Promise<void> {
  await infraUp({ verbose: process.env.CI === 'true' });
  generateDevKeyPair(resolve(__dirname, '../.data/keys')); // the access-token keys of .env.example
}
