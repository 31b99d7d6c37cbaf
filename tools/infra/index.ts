// Relative on purpose: Jest's globalSetup loads this file without the @shopmesh/* module mapping.
// eslint-disable-next-line no-restricted-imports
import { ALL_KAFKA_TOPICS } from '../../libs/contracts/src/kafka-topics';
import { stopWorkerKafkas } from './worker-kafka';
import { componentDrivers } from './components';
import { composeUp, dockerEngineAnswers } from './docker';
import {
  ALL_COMPONENTS,
  COMPONENTS,
  OBSERVABILITY_COMPONENTS,
  loadInfraConfig,
  type Component,
  type CoreComponent,
  type InfraConfig,
  type ObservabilityComponent,
} from './infra-config';
import { prepareKafka } from './kafka/kafka-admin';
import { isLocalHost } from './local-address';
import { ensureDatabases } from './postgres';
import { waitUntil } from './wait-until';

export { ensureDatabases, type PostgresConnection } from './postgres';
export { ensureTopics, prepareKafka, skipIdleGroupsToEnd, type EnsureTopicsOptions } from './kafka/kafka-admin';
export { startWorkerKafkas, stopWorkerKafkas } from './worker-kafka';
export { loadInfraConfig, type Component, type InfraConfig } from './infra-config';

export interface InfraUpOptions {
  /** Print progress and a summary on stdout (default true). */
  verbose?: boolean;
  /** Databases to create besides the configured ones (INFRA_DATABASES or the services' defaults). */
  extraDatabases?: string[];
  /** Override of how long to wait for each component to be ready (ms; defaults: 60 s, 30 s, 180 s). */
  readyTimeoutMs?: number;
  /**
   * Also the observability servers (`npm run up`): Prometheus, run from the machine's `prometheus`
   * binary when nothing answers at PROMETHEUS_URL; without the binary, a warning and no Prometheus.
   */
  observability?: boolean;
}

/** How a component came to be available. */
export type ComponentSource = 'already running' | 'docker compose' | 'local' | 'not used';

export interface ComponentReport {
  source: ComponentSource;
  /** The configured address (no password). */
  at: string;
  /** Pid of the local server, when the launcher runs one. */
  pid?: number;
}

export interface InfraUpResult {
  config: InfraConfig;
  components: Record<CoreComponent, ComponentReport> & Partial<Record<ObservabilityComponent, ComponentReport>>;
  /** Databases created by this call. */
  createdDatabases: string[];
  /** Kafka topics created by this call. */
  createdTopics: string[];
  elapsedMs: number;
}

/**
 * Brings PostgreSQL, Redis, Kafka and (when the apps export traces to it) Zipkin up, idempotently, and returns once each is really ready.
 *
 * For each component, in that order: if it already answers at the configured address it is used;
 * else, if a Docker engine answers, `docker compose -f docker/docker-compose.yml up -d <service>`;
 * else a local server is started: Kafka 4.4 in KRaft mode from Maven Central jars (cached in
 * `.cache/kafka`, data in `.data/kafka`), a private `redis-server`, a private PostgreSQL cluster
 * from the machine's binaries (data in `.data/`), or Zipkin from its Maven Central jar (cached in
 * `.cache/zipkin`, in-memory storage). Local servers are detached and outlive the caller.
 *
 * Then it waits for readiness (Postgres `select 1`, Redis PING, Kafka `describeCluster`), creates
 * the missing databases (INFRA_DATABASES, else the services' databases, plus `extraDatabases`),
 * creates every Kafka topic of the contracts with its dead-letter twin (KAFKA_TOPIC_PARTITIONS
 * partitions, replication factor 1) and waits for the group coordinator.
 *
 * Settings: the environment, then `.env`, then development defaults (see {@link loadInfraConfig}).
 * A second call when everything runs takes about a second.
 *
 * @throws Error with one line naming what is missing and how to provide it, or which wait timed out
 */
export async function infraUp(options: InfraUpOptions = {}): Promise<InfraUpResult> {
  const started = Date.now();
  const log = options.verbose === false ? (): void => undefined : (line: string): void => void process.stdout.write(`${line}\n`);
  const config = loadInfraConfig();
  const drivers = componentDrivers(config);
  const components = {} as InfraUpResult['components'];

  for (const component of COMPONENTS) {
    const driver = drivers[component];
    const at = driver.where;
    if (!driver.enabled) {
      components[component] = { source: 'not used', at };
      continue;
    }
    if (await driver.answers()) {
      log(`${component}: already running at ${at}`);
      const pid = driver.localPid();
      components[component] = { source: 'already running', at, ...(pid === undefined ? {} : { pid }) };
      continue;
    }
    if (!isLocalHost(driver.host)) {
      throw new Error(
        `${driver.label}: not reachable at ${at}, a remote address (nothing is started for it): start it there or set ${driver.settings}`,
      );
    }
    if (dockerEngineAnswers()) {
      log(`${component}: not running at ${at}; starting it with Docker Compose`);
      composeUp(component);
      components[component] = { source: 'docker compose', at };
      continue;
    }
    const missing = driver.localMissing();
    if (missing !== undefined) throw new Error(`${driver.label}: not reachable at ${at}, no Docker engine, and ${missing}`);
    log(`${component}: not running at ${at} and no Docker engine; starting a local server`);
    components[component] = { source: 'local', at, pid: driver.startLocal(log) };
  }

  const timeoutOf = (component: Component): number => options.readyTimeoutMs ?? drivers[component].readyTimeoutMs;
  const failIfOf = (component: Component): (() => string | undefined) | undefined =>
    components[component]?.source === 'local' ? () => drivers[component].localFailure() : undefined;
  const ready = (component: Component): Promise<void> =>
    waitUntil(`${drivers[component].label} at ${drivers[component].where}`, () => drivers[component].answers(), {
      timeoutMs: timeoutOf(component),
      failIf: failIfOf(component),
    });

  await ready('postgres');
  const databases = [...new Set([...config.databases, ...(options.extraDatabases ?? [])])];
  const createdDatabases = await ensureDatabases(databases, config.postgres);
  await ready('redis');
  const { brokers, partitions } = config.kafka;
  const createdTopics = await prepareKafka(brokers, ALL_KAFKA_TOPICS, partitions, timeoutOf('kafka'), failIfOf('kafka'));
  if (drivers.zipkin.enabled) await ready('zipkin');

  for (const component of options.observability ? OBSERVABILITY_COMPONENTS : []) {
    const driver = drivers[component];
    if (await driver.answers()) {
      log(`${component}: already running at ${driver.where}`);
      const pid = driver.localPid();
      components[component] = { source: 'already running', at: driver.where, ...(pid === undefined ? {} : { pid }) };
      continue;
    }
    const missing = isLocalHost(driver.host) ? driver.localMissing() : 'it is a remote address (nothing is started for it)';
    if (missing !== undefined) {
      // the platform runs without it: say so and how to get it
      log(`${component}: WARNING not reachable at ${driver.where} and not started: ${missing}`);
      continue;
    }
    components[component] = { source: 'local', at: driver.where, pid: driver.startLocal(log) };
    await ready(component);
  }

  const result: InfraUpResult = { config, components, createdDatabases, createdTopics, elapsedMs: Date.now() - started };
  for (const line of summaryOf(result, databases)) log(line);
  return result;
}

function summaryOf(result: InfraUpResult, databases: string[]): string[] {
  const { components, createdDatabases, createdTopics } = result;
  const how = (c: Component): string => {
    const { source, pid } = components[c] ?? { source: 'not started' };
    return (pid === undefined ? source : `${source} (pid ${pid})`).padEnd(30);
  };
  const created = (names: string[]): string => (names.length > 0 ? `created ${names.length}` : 'none created');
  return [
    `infra ready in ${(result.elapsedMs / 1000).toFixed(1)} s:`,
    `  postgres  ${components.postgres.at.padEnd(24)} ${how('postgres')} ${databases.length} databases (${created(createdDatabases)})`,
    `  redis     ${components.redis.at.padEnd(24)} ${how('redis')}`,
    `  kafka     ${components.kafka.at.padEnd(24)} ${how('kafka')} ${ALL_KAFKA_TOPICS.length} topics, ${result.config.kafka.partitions} partitions (${created(createdTopics)})`,
    `  zipkin    ${components.zipkin.at.padEnd(24)} ${how('zipkin')}${components.zipkin.source === 'not used' ? ' (TRACING_EXPORTER is not zipkin)' : ` UI ${components.zipkin.at}/zipkin/`}`,
    ...OBSERVABILITY_COMPONENTS.flatMap((c) =>
      components[c] ? [`  ${c.padEnd(9)} ${components[c].at.padEnd(24)} ${how(c)}`] : [],
    ),
    ...(components.kafka.source === 'local'
      ? ['  local broker: logs in .data/kafka/logs, stop with: npx tsx tools/infra/cli.ts down']
      : []),
  ];
}

/**
 * Stops what {@link infraUp} started locally, found through its pid files: the Kafka broker, and a
 * private redis-server or PostgreSQL cluster if it started them. Each gets SIGTERM (Postgres:
 * `pg_ctl stop -m fast`), up to 20 s to exit, then SIGKILL; so do the tests' worker brokers. A server it did not start (a system
 * service, a Docker Compose container) is never touched.
 *
 * @returns the components that were stopped
 */
export async function infraDown(): Promise<Component[]> {
  const drivers = componentDrivers(loadInfraConfig());
  const stopped: Component[] = [];
  await stopWorkerKafkas(); // the brokers the tests started for their other Jest workers
  for (const component of [...ALL_COMPONENTS].reverse()) {
    if (await drivers[component].stopLocal()) stopped.push(component);
  }
  return stopped;
}

export interface ComponentStatus {
  /** The configured address (no password). */
  at: string;
  /** True if it answers a real request now. */
  answers: boolean;
  /** True if a server started by {@link infraUp} runs (its pid file names a live process). */
  startedByUs: boolean;
  pid?: number;
}

/** For each component: whether it answers at the configured address, and whether this launcher started it. */
export async function infraStatus(): Promise<Record<Component, ComponentStatus>> {
  const drivers = componentDrivers(loadInfraConfig());
  const status = {} as Record<Component, ComponentStatus>;
  for (const component of ALL_COMPONENTS) {
    const driver = drivers[component];
    const pid = driver.localPid();
    status[component] = {
      at: driver.where,
      answers: await driver.answers(),
      startedByUs: pid !== undefined,
      ...(pid === undefined ? {} : { pid }),
    };
  }
  return status;
}
