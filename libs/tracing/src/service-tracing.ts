import { ConfigError, loadDotEnv, loadTracingConfig } from '@shopmesh/config';
import { startTracing } from './start-tracing';

/**
 * The first statement of an app: reads `.env` and its tracing settings, and starts tracing as
 * `service` before Nest and the database, Redis and Kafka clients are loaded. A malformed setting
 * leaves tracing off here; the app's own configuration check then reports it and exits.
 */
export function traceService(service: string): void {
  loadDotEnv();
  try {
    startTracing(service, loadTracingConfig());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
  }
}
