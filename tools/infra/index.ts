// Relative on purpose: Jest's globalSetup loads this file without the @shopmesh/* module mapping.
// eslint-disable-next-line no-restricted-imports
import { ALL_KAFKA_TOPICS } from '../../libs/contracts/src';
import { composeUp, dockerEngineAnswers } from './docker';
import { loadInfraConfig, type InfraConfig } from './infra-config';
import { kafkaAnswers, prepareKafka } from './kafka/kafka-admin';
import { localKafkaPid, startLocalKafka, stopLocalKafka } from './kafka/local-kafka';
import { ensureDatabases, postgresAnswers, startLocalPostgres, stopLocalPostgres } from './postgres';
import { waitFor } from './probes';
import { redisAnswers, startLocalRedis, stopLocalRedis } from './redis';

export { ensureDatabases } from './postgres';
export { loadInfraConfig, type InfraConfig } from './infra-config';

export interface InfraUpOptions {
  /** Print progress lines (default true). */
  verbose?: boolean;
  /** Extra databases to create (test databases, for example). */
  extraDatabases?: string[];
}

type Component = 'postgres' | 'redis' | 'kafka';

/**
 * Brings PostgreSQL, Redis and Kafka up, idempotently: uses what already answers at the
 * configured addresses; otherwise Docker Compose if an engine answers; otherwise local
 * servers (Kafka 3.9 in KRaft mode from Maven Central jars). Then creates the databases and
 * every Kafka topic (with its dead-letter twin), and waits until each is really ready.
 */
export async function infraUp(options: InfraUpOptions = {}): Promise<InfraConfig> {
  const log = options.verbose === false ? () => undefined : (line: string) => process.stdout.write(`${line}\n`);
  const config = loadInfraConfig();
  const answers: Record<Component, () => Promise<boolean>> = {
    postgres: () => postgresAnswers(config.postgres),
    redis: () => redisAnswers(config.redis.url),
    kafka: () => kafkaAnswers(config.kafka.brokers),
  };
  const startLocal: Record<Component, () => void> = {
    postgres: () => startLocalPostgres(config, log),
    redis: () => startLocalRedis(config, log),
    kafka: () => void startLocalKafka(config, log),
  };
  const where: Record<Component, string> = {
    postgres: `${config.postgres.host}:${config.postgres.port}`,
    redis: config.redis.url,
    kafka: config.kafka.brokers.join(','),
  };

  let docker: boolean | undefined;
  for (const component of ['postgres', 'redis', 'kafka'] as const) {
    if (await answers[component]()) {
      log(`${component}: already running at ${where[component]}`);
      continue;
    }
    docker ??= dockerEngineAnswers();
    if (docker) {
      log(`${component}: starting with Docker Compose`);
      composeUp(component);
    } else {
      startLocal[component]();
    }
  }

  await waitFor(`Postgres at ${where.postgres}`, answers.postgres, 60_000);
  await waitFor(`Redis at ${where.redis}`, answers.redis, 30_000);
  const created = await ensureDatabases(config.postgres, [...config.databases, ...(options.extraDatabases ?? [])]);
  if (created.length > 0) log(`postgres: created ${created.join(', ')}`);
  const topics = await prepareKafka(config.kafka.brokers, ALL_KAFKA_TOPICS, config.kafka.partitions, 120_000);
  if (topics.length > 0) log(`kafka: created ${topics.length} topics`);
  log(`infrastructure ready: postgres ${where.postgres}, redis ${where.redis}, kafka ${where.kafka}`);
  return config;
}

/** Stops only what this launcher started (local servers); never a server it did not start. */
export async function infraDown(): Promise<string[]> {
  const config = loadInfraConfig();
  const stopped: string[] = [];
  if (await stopLocalKafka(config)) stopped.push('kafka');
  if (await stopLocalRedis(config)) stopped.push('redis');
  if (stopLocalPostgres(config)) stopped.push('postgres');
  return stopped;
}

/** Whether each component answers, and whether this launcher started it. */
export async function infraStatus(): Promise<Record<Component, { answers: boolean; startedByUs: boolean; at: string }>> {
  const config = loadInfraConfig();
  return {
    postgres: {
      answers: await postgresAnswers(config.postgres),
      startedByUs: false,
      at: `${config.postgres.host}:${config.postgres.port}`,
    },
    redis: { answers: await redisAnswers(config.redis.url), startedByUs: false, at: config.redis.url },
    kafka: {
      answers: await kafkaAnswers(config.kafka.brokers),
      startedByUs: localKafkaPid(config) !== undefined,
      at: config.kafka.brokers.join(','),
    },
  };
}
