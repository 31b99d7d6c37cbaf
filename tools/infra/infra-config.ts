import { resolve } from 'node:path';
// Jest's globalSetup loads the launcher without module mapping, hence the paths
// eslint-disable-next-line no-restricted-imports
import { readEnvFile } from '../../libs/config/src/load-config';
// eslint-disable-next-line no-restricted-imports
import { SERVICE_NAMES, defaultDatabaseOf, envNamesOf, uses } from '../../libs/config/src/services';

/** Repository root (tools/infra/../..). */
export const REPO_ROOT = resolve(__dirname, '../..');

/** The infrastructure components the launcher manages, in start order. */
export const COMPONENTS = ['postgres', 'redis', 'kafka', 'zipkin'] as const;
/** What `npm run up` starts besides (`infraUp({ observability: true })`); tests start their own. */
export const OBSERVABILITY_COMPONENTS = ['prometheus'] as const;
export const ALL_COMPONENTS = [...COMPONENTS, ...OBSERVABILITY_COMPONENTS] as const;
export type CoreComponent = (typeof COMPONENTS)[number];
export type ObservabilityComponent = (typeof OBSERVABILITY_COMPONENTS)[number];
export type Component = (typeof ALL_COMPONENTS)[number];

export interface PostgresConfig {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface RedisConfig {
  url: string;
  host: string;
  port: number;
  /** Password from the URL, if any (a local server is then started with `requirepass`). */
  password?: string;
}

export interface KafkaConfig {
  brokers: string[];
  /** Host and port of the first broker: where a local broker listens. */
  host: string;
  port: number;
  /** Partitions of each topic `infraUp` creates. */
  partitions: number;
}

export interface PrometheusConfig {
  /** PROMETHEUS_URL (default `http://127.0.0.1:9090`). */
  url: string;
  host: string;
  port: number;
}

export interface ZipkinConfig {
  /** Where apps post spans and the UI is (`ZIPKIN_URL`, base without `/api/v2`). */
  url: string;
  host: string;
  port: number;
  /** False when the apps do not export to Zipkin (`TRACING_EXPORTER` is not `zipkin`): nothing is started. */
  enabled: boolean;
}

export interface InfraConfig {
  postgres: PostgresConfig;
  redis: RedisConfig;
  kafka: KafkaConfig;
  prometheus: PrometheusConfig;
  zipkin: ZipkinConfig;
  /** Databases `infraUp` creates when missing: INFRA_DATABASES (comma separated), else the services' own. */
  databases: string[];
  /** Downloaded artifacts (git-ignored): `.cache`. */
  cacheDir: string;
  /** Data, pid files and logs of servers the launcher starts (git-ignored): `.data`. */
  dataDir: string;
}

/** The databases of the apps that use Postgres (`<APP>_DB_NAME`, default `shopmesh_<app>`). */
const serviceDatabases = (get: (name: string, fallback: string) => string): string[] =>
  SERVICE_NAMES.filter((n) => uses(n, 'postgres')).map((n) => get(envNamesOf(n).database, defaultDatabaseOf(n)));

/**
 * The launcher's settings: the process environment first, then `.env` at the repository root (if
 * present), then built-in development defaults.
 *
 * @param env - variables that take precedence over `.env` (default `process.env`)
 * @throws Error naming the variable when a value is malformed (a port that is not a number…)
 */
export function loadInfraConfig(env: NodeJS.ProcessEnv = process.env): InfraConfig {
  const fromFile = readEnvFile(resolve(REPO_ROOT, '.env'));
  const get = (name: string, fallback: string): string => env[name] ?? fromFile[name] ?? fallback;

  const redisUrl = get('REDIS_URL', 'redis://127.0.0.1:6379');
  const redis = parseUrl('REDIS_URL', redisUrl);
  const brokers = list(get('KAFKA_BROKERS', '127.0.0.1:9092'));
  const [kafkaHost, kafkaPort] = splitHostPort('KAFKA_BROKERS', brokers[0] ?? '');
  const databases = list(get('INFRA_DATABASES', ''));
  const prometheusUrl = get('PROMETHEUS_URL', 'http://127.0.0.1:9090').replace(/\/$/, '');
  const prometheus = parseUrl('PROMETHEUS_URL', prometheusUrl);
  const zipkinUrl = get('ZIPKIN_URL', 'http://127.0.0.1:9411').replace(/\/+$/, '');
  const zipkin = parseUrl('ZIPKIN_URL', zipkinUrl);

  return {
    postgres: {
      host: get('POSTGRES_HOST', '127.0.0.1'),
      port: positiveInt('POSTGRES_PORT', get('POSTGRES_PORT', '5432')),
      user: get('POSTGRES_USER', 'postgres'),
      password: get('POSTGRES_PASSWORD', 'postgres'),
    },
    redis: {
      url: redisUrl,
      host: redis.hostname,
      port: positiveInt('REDIS_URL port', redis.port || '6379'),
      ...(redis.password ? { password: decodeURIComponent(redis.password) } : {}),
    },
    kafka: {
      brokers,
      host: kafkaHost,
      port: kafkaPort,
      partitions: positiveInt('KAFKA_TOPIC_PARTITIONS', get('KAFKA_TOPIC_PARTITIONS', '3')),
    },
    prometheus: {
      url: prometheusUrl,
      host: prometheus.hostname,
      port: positiveInt('PROMETHEUS_URL port', prometheus.port || '9090'),
    },
    zipkin: {
      url: zipkinUrl,
      host: zipkin.hostname,
      port: positiveInt('ZIPKIN_URL port', zipkin.port || (zipkin.protocol === 'https:' ? '443' : '80')),
      enabled: get('TRACING_EXPORTER', 'none') === 'zipkin',
    },
    databases: databases.length > 0 ? databases : serviceDatabases(get),
    cacheDir: resolve(REPO_ROOT, '.cache'),
    dataDir: resolve(REPO_ROOT, '.data'),
  };
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`infra config: ${name} must be a positive integer (got '${value}')`);
  return n;
}

function parseUrl(name: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new Error(`infra config: ${name} is not a URL (got '${value}')`);
  }
}

function splitHostPort(name: string, address: string): [string, number] {
  const at = address.lastIndexOf(':');
  if (at <= 0) throw new Error(`infra config: ${name} entries must be host:port (got '${address}')`);
  return [address.slice(0, at).replace(/^\[|\]$/g, ''), positiveInt(`${name} port`, address.slice(at + 1))];
}
