import { z } from 'zod';
import { env } from './env';
import { loadConfig } from './load-config';

/**
 * Distributed tracing (OpenTelemetry), read by every app before anything else starts: where spans
 * go and how many traces are kept. Unset, tracing is off (`none`); `.env.example` turns it on.
 */
export const tracingEnv = {
  TRACING_EXPORTER: env.oneOf(['zipkin', 'none']).optional(),
  ZIPKIN_URL: env.url(['http', 'https']).optional(),
  TRACING_SAMPLE_RATIO: z
    .string()
    .trim()
    .regex(/^(0(\.\d+)?|1(\.0+)?)$/, { error: 'expected a ratio between 0 and 1' })
    .transform(Number)
    .optional()
    .meta({ expected: 'a ratio between 0 and 1' }),
};

export interface TracingConfig {
  /** `none`: no SDK, no spans (the OpenTelemetry API stays a no-op). */
  exporter: 'zipkin' | 'none';
  /** Base URL of the Zipkin server (spans are posted to `<url>/api/v2/spans`). */
  zipkinUrl: string;
  /** Share of new traces kept (parent-based: a traced caller's decision is followed). */
  sampleRatio: number;
}

/** The Zipkin of `npm run up` (and of the Compose file). */
export const DEFAULT_ZIPKIN_URL = 'http://127.0.0.1:9411';

/**
 * The tracing settings of the environment.
 * @throws ConfigError naming a malformed variable.
 */
export function loadTracingConfig(source: Record<string, string | undefined> = process.env): TracingConfig {
  const raw = loadConfig(tracingEnv, source);
  return {
    exporter: raw.TRACING_EXPORTER ?? 'none',
    zipkinUrl: (raw.ZIPKIN_URL ?? DEFAULT_ZIPKIN_URL).replace(/\/+$/, ''),
    sampleRatio: raw.TRACING_SAMPLE_RATIO ?? 1,
  };
}
