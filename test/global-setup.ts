import { resolve } from 'node:path';
// eslint-disable-next-line no-restricted-imports -- Jest's globalSetup loads this without module mapping
import { generateDevKeyPair } from '../libs/auth/src/dev-key-pair';
import { infraUp, startWorkerKafkas } from '../tools/infra';

/**
 * Before integration and end-to-end suites: real Postgres, Redis and Kafka, started if nothing
 * answers (idempotent and quick when they already run). Each suite then makes its own database.
 * Suites run on several Jest workers at once: every worker after the first gets a Kafka broker
 * of its own (see libs/testing/src/worker-kafka.ts), so no two platforms share a consumer group.
 */
export default async function globalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  const verbose = process.env.CI === 'true';
  await infraUp({ verbose });
  await startWorkerKafkas(globalConfig.maxWorkers, verbose ? (line) => console.log(line) : undefined);
  generateDevKeyPair(resolve(__dirname, '../.data/keys')); // the access-token keys of .env.example
}
