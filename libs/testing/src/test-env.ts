import { resolve } from 'node:path';
import { readEnvFile } from '@shopmesh/config';

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
  return { ...defaults, ...fromProcess, NODE_ENV: 'test', LOG_LEVEL: 'warn', SHUTDOWN_DRAIN_MS: '300', ...overrides };
}

export { REPO_ROOT };
