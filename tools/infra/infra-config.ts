import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { readFileSync } from 'node:fs';

/** Repository root (tools/infra/..). */
export const REPO_ROOT = resolve(__dirname, '../..');

export interface InfraConfig {
  postgres: { host: string; port: number; user: string; password: string };
  redis: { url: string; host: string; port: number };
  kafka: { brokers: string[]; host: string; port: number; partitions: number };
  /** Databases every service owns. */
  databases: string[];
  /** Where jars are cached (git-ignored) and where local servers keep data (git-ignored). */
  cacheDir: string;
  dataDir: string;
}

const DEFAULT_DATABASES = ['shopmesh_catalog', 'shopmesh_identity', 'shopmesh_inventory', 'shopmesh_orders', 'shopmesh_payments'];

/**
 * Infrastructure settings: the process environment, then `.env`, then `.env.example` at the repo
 * root (development defaults), so the launcher works on a fresh clone with nothing configured.
 */
export function loadInfraConfig(source: NodeJS.ProcessEnv = process.env): InfraConfig {
  const fileDefaults = (name: string): Record<string, string> => {
    const file = resolve(REPO_ROOT, name);
    return existsSync(file) ? (parseEnv(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  };
  const env = { ...fileDefaults('.env.example'), ...fileDefaults('.env'), ...definedOnly(source) };
  const get = (name: string, fallback: string): string => env[name] ?? fallback;

  const redisUrl = get('REDIS_URL', 'redis://127.0.0.1:6379');
  const parsedRedis = new URL(redisUrl);
  const brokers = get('KAFKA_BROKERS', '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const [kafkaHost = '127.0.0.1', kafkaPort = '9092'] = (brokers[0] ?? '').split(':');
  return {
    postgres: {
      host: get('POSTGRES_HOST', '127.0.0.1'),
      port: Number(get('POSTGRES_PORT', '5432')),
      user: get('POSTGRES_USER', 'postgres'),
      password: get('POSTGRES_PASSWORD', 'postgres'),
    },
    redis: { url: redisUrl, host: parsedRedis.hostname, port: Number(parsedRedis.port || 6379) },
    kafka: { brokers, host: kafkaHost, port: Number(kafkaPort), partitions: Number(get('KAFKA_TOPIC_PARTITIONS', '3')) },
    databases: env.INFRA_DATABASES ? env.INFRA_DATABASES.split(',').map((d) => d.trim()) : DEFAULT_DATABASES,
    cacheDir: resolve(REPO_ROOT, '.cache'),
    dataDir: resolve(REPO_ROOT, '.data'),
  };
}

function definedOnly(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((e): e is [string, string] => e[1] !== undefined));
}
