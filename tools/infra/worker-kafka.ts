import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
// Jest's globalSetup loads the launcher without module mapping, hence the path
// eslint-disable-next-line no-restricted-imports
import { workerKafkaBrokers } from '../../libs/testing/src/worker-kafka';
import { loadInfraConfig, type InfraConfig } from './infra-config';
import { startOwnKafka, stopLocalKafka } from './kafka/local-kafka';

const WORKER_DIR = /^kafka-worker-(\d+)$/;

/** The broker of Jest worker `worker` (2…n), beside the one `infra up` runs: its own port and data. */
function workerKafkaConfig(base: InfraConfig, worker: number): InfraConfig | undefined {
  const configured = base.kafka.brokers.join(',');
  const brokers = workerKafkaBrokers(configured, worker);
  if (brokers === configured) return undefined; // not a single local broker: every worker shares it
  const port = Number(brokers.split(':')[1]);
  return {
    ...base,
    kafka: { ...base.kafka, brokers: [brokers], port },
    dataDir: resolve(base.dataDir, `kafka-worker-${worker}`),
  };
}

/**
 * Starts (or finds running) the brokers of Jest workers 2…`workers`, each with every topic, in
 * parallel: what the tests' global setup does when Jest runs suites on several workers. They
 * stay up between runs, as the main broker does; `infra down` stops them.
 */
export async function startWorkerKafkas(workers: number, log: (line: string) => void = () => undefined): Promise<void> {
  const base = loadInfraConfig();
  const configs = Array.from({ length: Math.max(0, workers - 1) }, (_, i) => workerKafkaConfig(base, i + 2)).filter(
    (c): c is InfraConfig => c !== undefined,
  );
  await Promise.all(configs.map((config) => startOwnKafka(config, 120_000, log)));
}

/** Stops every worker broker the tests started (`.data/kafka-worker-*`); returns how many ran. */
export async function stopWorkerKafkas(): Promise<number> {
  const base = loadInfraConfig();
  if (!existsSync(base.dataDir)) return 0;
  const workers = readdirSync(base.dataDir).flatMap((name) => {
    const match = WORKER_DIR.exec(name);
    return match ? [Number(match[1])] : [];
  });
  const stopped = await Promise.all(
    workers.map((worker) => {
      const config = workerKafkaConfig(base, worker);
      return config ? stopLocalKafka(config) : Promise.resolve(false);
    }),
  );
  return stopped.filter(Boolean).length;
}
