import type { Component, InfraConfig } from './infra-config';
import { kafkaAnswers } from './kafka/kafka-admin';
import { localKafkaFailure, localKafkaMissing, localKafkaPid, startLocalKafka, stopLocalKafka } from './kafka/local-kafka';
import { localPostgresPid, postgresBinariesExist, startLocalPostgres, stopLocalPostgres } from './local-postgres';
import { localRedisFailure, localRedisPid, startLocalRedis, stopLocalRedis } from './local-redis';
import {
  localPrometheusFailure,
  localPrometheusPid,
  prometheusAnswers,
  startLocalPrometheus,
  stopLocalPrometheus,
} from './local-prometheus';
import { postgresAnswers } from './postgres';
import { commandExists } from './processes';
import {
  localZipkinFailure,
  localZipkinMissing,
  localZipkinPid,
  startLocalZipkin,
  stopLocalZipkin,
  zipkinAnswers,
} from './zipkin/local-zipkin';
import { redisAnswers } from './redis';

/** What the launcher needs to know and do about one infrastructure component. */
export interface ComponentDriver {
  /** "Postgres", "Redis", "Kafka": for messages. */
  label: string;
  /** The configured address, printable (no password). */
  where: string;
  /** The configured host: a local server is only started for a local address. */
  host: string;
  /** The variables that point the launcher at a server. */
  settings: string;
  /** False when nothing uses it (Zipkin with tracing off): `infraUp` leaves it alone. */
  enabled: boolean;
  /** How long `infraUp` waits for it to be ready by default (ms). */
  readyTimeoutMs: number;
  /** True if it answers a real request (select 1, PING, describeCluster). */
  answers(): Promise<boolean>;
  /** What is missing to start it locally, as a phrase for an error message; undefined if nothing. */
  localMissing(): string | undefined;
  /** Starts the local server; resolves to its pid. */
  startLocal(log: (line: string) => void): number;
  /** Pid of the local server this launcher started, if it runs. */
  localPid(): number | undefined;
  /** Why the local server that was just started is not coming up, if it is known not to. */
  localFailure(): string | undefined;
  /** Stops the local server this launcher started; true if it was running. */
  stopLocal(): Promise<boolean>;
}

/** `redis://user:secret@host:port` → `redis://user:***@host:port`. */
export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString().replace(/\/$/, '');
}

/** The drivers of every component for a configuration. */
export function componentDrivers(config: InfraConfig): Record<Component, ComponentDriver> {
  const { postgres, redis, kafka, prometheus, zipkin } = config;
  return {
    postgres: {
      label: 'Postgres',
      enabled: true,
      where: `${postgres.host}:${postgres.port}`,
      host: postgres.host,
      settings: 'POSTGRES_HOST/POSTGRES_PORT',
      readyTimeoutMs: 60_000,
      answers: () => postgresAnswers(postgres),
      localMissing: () =>
        postgresBinariesExist()
          ? undefined
          : 'no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb and pg_ctl): install PostgreSQL, or set POSTGRES_HOST/POSTGRES_PORT to a running server',
      startLocal: (log) => startLocalPostgres(config, log),
      localPid: () => localPostgresPid(config),
      localFailure: () => undefined, // pg_ctl start -w has already waited for it
      stopLocal: () => stopLocalPostgres(config),
    },
    redis: {
      label: 'Redis',
      enabled: true,
      where: withoutPassword(redis.url),
      host: redis.host,
      settings: 'REDIS_URL',
      readyTimeoutMs: 30_000,
      answers: () => redisAnswers(redis.url),
      localMissing: () =>
        commandExists('redis-server')
          ? undefined
          : 'redis-server not found: install Redis (e.g. apt-get install redis-server), or set REDIS_URL to a running server',
      startLocal: (log) => startLocalRedis(config, log),
      localPid: () => localRedisPid(config),
      localFailure: () => localRedisFailure(config),
      stopLocal: () => stopLocalRedis(config),
    },
    kafka: {
      label: 'Kafka',
      enabled: true,
      where: kafka.brokers.join(','),
      host: kafka.host,
      settings: 'KAFKA_BROKERS',
      readyTimeoutMs: 180_000,
      answers: () => kafkaAnswers(kafka.brokers),
      localMissing: () => localKafkaMissing(config),
      startLocal: (log) => startLocalKafka(config, log),
      localPid: () => localKafkaPid(config),
      localFailure: () => localKafkaFailure(config),
      stopLocal: () => stopLocalKafka(config),
    },
    prometheus: {
      label: 'Prometheus',
      enabled: true,
      where: prometheus.url,
      host: prometheus.host,
      settings: 'PROMETHEUS_URL',
      readyTimeoutMs: 60_000,
      answers: () => prometheusAnswers(prometheus.url),
      localMissing: () =>
        commandExists('prometheus')
          ? undefined
          : 'prometheus not found: install it (apt-get install prometheus), or set PROMETHEUS_URL to a running server',
      startLocal: (log) => startLocalPrometheus(config, log),
      localPid: () => localPrometheusPid(config),
      localFailure: () => localPrometheusFailure(config),
      stopLocal: () => stopLocalPrometheus(config),
    },
    zipkin: {
      label: 'Zipkin',
      enabled: zipkin.enabled,
      where: zipkin.url,
      host: zipkin.host,
      settings: 'ZIPKIN_URL (or TRACING_EXPORTER=none)',
      readyTimeoutMs: 120_000,
      answers: () => zipkinAnswers(zipkin.url),
      localMissing: () => localZipkinMissing(config),
      startLocal: (log) => startLocalZipkin(config, log),
      localPid: () => localZipkinPid(config),
      localFailure: () => localZipkinFailure(config),
      stopLocal: () => stopLocalZipkin(config),
    },
  };
}
