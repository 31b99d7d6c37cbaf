import { infraUp } from '../tools/infra';

/**
 * Before integration and end-to-end suites: real Postgres, Redis and Kafka, started if nothing
 * answers (idempotent and quick when they already run). Each suite then makes its own database.
 */
export default async function globalSetup(): Promise<void> {
  await infraUp({ verbose: process.env.CI === 'true' });
}
