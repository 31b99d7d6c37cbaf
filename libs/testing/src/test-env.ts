import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { readEnvFile } from '@shopmesh/config';
import { workerKafkaBrokers } from './worker-kafka';

const REPO_ROOT = resolve(__dirname, '../../..');

/**
 * The environment of an app under test: the development defaults of `.env.example`,
 * with `NODE_ENV=test`, quiet logs and the given overrides (test database names, free ports…).
 * Infrastructure addresses may be overridden from the real environment (CI on other hosts).
 */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const defaults = readEnvFile(resolve(REPO_ROOT, '.env.example'));
  const infra = ['POSTGRES_HOST', 'POSTGRES_PORT', 'POSTGRES_USER', 'POSTGRES_PASSWORD', 'REDIS_URL', 'KAFKA_BROKERS'];
  const fromProcess = Object.fromEntries(infra.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
  // generous rate limits in their own buckets: suites that test the limits set their own
  const rateLimits = {
    RATE_LIMIT_KEY_PREFIX: `shopmesh-test:${randomBytes(4).toString('hex')}:rate-limit`,
    RATE_LIMIT_LOGIN_LIMIT: '100000',
    RATE_LIMIT_REGISTER_LIMIT: '100000',
    RATE_LIMIT_AUTH_LIMIT: '100000',
    RATE_LIMIT_READ_LIMIT: '1000000',
    RATE_LIMIT_WRITE_LIMIT: '1000000',
    RATE_LIMIT_STREAM_LIMIT: '1000000',
  };
  const brokers = fromProcess.KAFKA_BROKERS ?? defaults.KAFKA_BROKERS;
  return {
    ...defaults,
    ...fromProcess,
    // the broker of this Jest worker, by the rule the global setup starts them by (tools/infra/worker-kafka.ts)
    ...(brokers ? { KAFKA_BROKERS: workerKafkaBrokers(brokers) } : {}),
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    SHUTDOWN_DRAIN_MS: '300',
    // a suite that checks traces starts its own Zipkin and turns tracing on
    TRACING_EXPORTER: 'none',
    ...rateLimits,
    // live settings in their own namespace: a suite's changes never reach another's apps
    SETTINGS_NAMESPACE: `shopmesh-test:${randomBytes(4).toString('hex')}`,
    // and the service registry: a suite's callers find only its own instances
    REGISTRY_NAMESPACE: `shopmesh-test:${randomBytes(4).toString('hex')}`,
    ...overrides,
  };
}

export { REPO_ROOT };
