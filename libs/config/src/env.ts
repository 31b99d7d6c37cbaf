import { z } from 'zod';

/**
 * Builders for environment variables. Each one converts the raw string into a
 * typed value and carries a human description of what is expected, so a bad
 * value is reported as "CATALOG_TCP_PORT: expected a TCP port (1-65535), got "abc"".
 */
const expecting = <T extends z.ZodType>(schema: T, expected: string): T => schema.meta({ expected });

const required = (expected: string) =>
  z
    .string({ error: () => `expected ${expected}` })
    .trim()
    .min(1, { error: `expected ${expected}` });

export const env = {
  /** A non-empty string. */
  string: (expected = 'a non-empty string') => expecting(required(expected), expected),

  /** An integer within bounds. */
  int: (min: number, max: number, expected = `an integer between ${min} and ${max}`) =>
    expecting(
      required(expected)
        .regex(/^-?\d+$/, { error: `expected ${expected}` })
        .transform(Number)
        .pipe(
          z
            .number()
            .int()
            .min(min, { error: `expected ${expected}` })
            .max(max, { error: `expected ${expected}` }),
        ),
      expected,
    ),

  /** A TCP port. */
  port: () => env.int(1, 65535, 'a TCP port (1-65535)'),

  /** A duration in milliseconds. */
  millis: (min = 1, max = 600_000) => env.int(min, max, `a duration in milliseconds (${min}-${max})`),

  /** `true` or `false` (also 1/0, yes/no). Never truthy-by-accident. */
  bool: () =>
    expecting(
      required('true or false')
        .toLowerCase()
        .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), { error: 'expected true or false' })
        .transform((v) => v === 'true' || v === '1' || v === 'yes'),
      'true or false',
    ),

  /** One of a fixed set of values. */
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    expecting(
      required(`one of ${values.join(', ')}`).pipe(z.enum(values, { error: `expected one of ${values.join(', ')}` })),
      `one of ${values.join(', ')}`,
    ),

  /** A URL with one of the given schemes. */
  url: (schemes: readonly string[]) => {
    const expected = `a URL (${schemes.map((s) => `${s}://...`).join(' or ')})`;
    return expecting(
      required(expected).refine(
        (v) => {
          try {
            return schemes.includes(new URL(v).protocol.replace(/:$/, ''));
          } catch {
            return false;
          }
        },
        { error: `expected ${expected}` },
      ),
      expected,
    );
  },

  /** A comma-separated list of host:port pairs. */
  hostPorts: () => {
    const expected = 'a comma-separated list of host:port';
    return expecting(
      required(expected)
        .transform((v) =>
          v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        )
        .refine((list) => list.length > 0 && list.every((hp) => /^[^\s:]+:\d{1,5}$/.test(hp)), {
          error: `expected ${expected}`,
        }),
      expected,
    );
  },

  /** A Postgres database name. */
  databaseName: () =>
    expecting(
      required('a database name ([a-z0-9_], max 63 chars)').regex(/^[a-z_][a-z0-9_]{0,62}$/, {
        error: 'expected a database name ([a-z0-9_], max 63 chars)',
      }),
      'a database name ([a-z0-9_], max 63 chars)',
    ),
} as const;

/** Variables every ShopMesh process reads. */
export const commonEnv = {
  NODE_ENV: env.oneOf(['development', 'production', 'test']),
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  SHUTDOWN_DRAIN_MS: env.millis(0, 25_000),
};

/** Variables of a process that talks to PostgreSQL. */
export const postgresEnv = {
  POSTGRES_HOST: env.string('a host name or IP address'),
  POSTGRES_PORT: env.port(),
  POSTGRES_USER: env.string('a database user name'),
  POSTGRES_PASSWORD: z.string({ error: 'expected a password (may be empty)' }),
};

/** Variables of a process that talks to Redis. */
export const redisEnv = {
  REDIS_URL: env.url(['redis', 'rediss']),
};

/** Variables of a process that reads the live settings (in Redis, at `REDIS_URL`). */
export const settingsEnv = {
  SETTINGS_NAMESPACE: env.string('a key prefix of the settings store (the same for every app of a deployment)'),
  SETTINGS_REFRESH_MS: env.millis(500, 600_000),
};

/** Variables of a process that talks to Kafka. */
export const kafkaEnv = {
  KAFKA_BROKERS: env.hostPorts(),
};

/** Variables of a process with a transactional outbox and Kafka consumers. */
export const messagingEnv = {
  OUTBOX_BATCH_SIZE: env.int(1, 5000, 'rows per Kafka batch (1-5000)'),
  OUTBOX_POLL_INTERVAL_MS: env.millis(1, 60_000),
  OUTBOX_WAKE: env.oneOf(['commit', 'notify', 'poll']),
  OUTBOX_RETENTION_HOURS: env.int(1, 24 * 90, 'hours to keep published outbox rows'),
  CONSUMER_MAX_ATTEMPTS: env.int(1, 100, 'attempts before a message goes to its dead-letter topic'),
  CONSUMER_BACKOFF_MIN_MS: env.millis(1, 60_000),
  CONSUMER_BACKOFF_MAX_MS: env.millis(1, 600_000),
  CONSUMER_BATCH_SIZE: env.int(1, 1000, 'messages of a partition applied in one transaction (1-1000)'),
  CONSUMER_SESSION_TIMEOUT_MS: env.int(
    6000,
    300_000,
    'milliseconds a consumer may go silent before its group moves its partitions (6000-300000)',
  ),
};

/** Variables of a process that serves or calls RPCs. */
export const rpcEnv = {
  RPC_TIMEOUT_MS: env.millis(50, 60_000),
  RPC_BALANCING: env.oneOf(['round-robin', 'least-outstanding', 'consistent-hash']),
  RPC_MAX_PENDING_PER_INSTANCE: env.int(1, 100_000, 'calls in flight per instance (1-100000)'),
  RPC_BREAKER_FAILURES: env.int(1, 1000, 'consecutive failures that open a breaker'),
  RPC_BREAKER_OPEN_MS: env.millis(10, 600_000),
  RPC_MAX_MESSAGE_CHARS: env.int(1024, 512 * 1024 * 1024, 'characters (1024 or more)'),
};

/** Mutual TLS between services: on with `RPC_TLS=true`, certificates from files (PEM). */
export const rpcTlsEnv = {
  RPC_TLS: env.bool(),
  RPC_TLS_CERT: z.string().optional(),
  RPC_TLS_KEY: z.string().optional(),
  RPC_TLS_CA: z.string().optional(),
};
