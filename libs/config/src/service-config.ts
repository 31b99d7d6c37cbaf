import { z } from 'zod';
import { commonEnv, env, kafkaEnv, messagingEnv, postgresEnv, redisEnv, rpcEnv, rpcTlsEnv, settingsEnv } from './env';
import { loadConfig, type ConfigOf } from './load-config';
import { loadRpcTls, type RpcTls } from './rpc-tls';
import { tracingEnv } from './tracing-env';
import {
  envNamesOf,
  readsLiveSettings,
  SERVICES,
  uses,
  type AppEnvOf,
  type ServiceDeclaration,
  type ServiceName,
} from './services';

/** The registry namespace of an app whose `REGISTRY_NAMESPACE` is not set. */
export const DEFAULT_REGISTRY_NAMESPACE = 'shopmesh';

/** How a caller reaches one service it calls (see `RpcClientModule`). */
export interface RpcTargetConfig {
  name: string;
  /** `static`: `addresses` lists every instance; `dns`: `addresses[0]` resolves to every instance; `redis`: the registry. */
  discovery: 'static' | 'dns' | 'redis';
  addresses: readonly string[];
  registryRedisUrl?: string;
  registryNamespace?: string;
  timeoutMs: number;
  balancing: 'round-robin' | 'least-outstanding' | 'consistent-hash';
  maxPendingPerInstance: number;
  breaker: { failureThreshold: number; openMs: number };
  maxMessageChars?: number;
  tls?: RpcTls;
  refreshMs?: number;
  /** False for a service the caller only operates (`observes`): its client adds no readiness check. */
  readiness?: boolean;
}

export interface PostgresConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  nodeEnv: string;
  applicationName: string;
}

/** Everything the chassis needs to run an app, derived from its declaration and the environment. */
export interface ServiceConfig<A = unknown> {
  name: ServiceName;
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  drainMs: number;
  healthTimeoutMs: number;
  http: { host: string; port: number };
  tcp?: { host: string; port: number; maxMessageChars: number; tls?: RpcTls };
  /** Redis service registry: this instance registers itself when `kind` is `redis`. */
  registry: { kind: 'none' | 'redis'; redisUrl?: string; namespace: string; ttlMs: number; advertisedAddress?: string };
  postgres?: PostgresConfig;
  /** Set when the app declares Redis as a dependency (a readiness check). */
  redisUrl?: string;
  /** Set when the app reads the live settings: where their store is, and how often it is read again. */
  settings?: { redisUrl: string; namespace: string; refreshMs: number };
  kafka?: {
    brokers: string[];
    relay: { batchSize: number; pollIntervalMs: number; wake: 'commit' | 'notify' | 'poll'; retentionMs: number };
    consumer: { maxAttempts: number; minBackoffMs: number; maxBackoffMs: number; sessionTimeoutMs: number; maxBatchSize: number };
  };
  targets: RpcTargetConfig[];
  /** The app's own variables, typed by the shape it declared. */
  app: A;
}

/** The full env schema of an app: the chassis' variables (derived from its declaration) plus its own. */
export function serviceEnvShape(name: ServiceName): z.ZodRawShape {
  const decl: ServiceDeclaration = SERVICES[name];
  const appShape = decl.env ?? {};
  const names = envNamesOf(name);
  const needsRpc = decl.tcpPort !== undefined || decl.calls.length > 0;
  const shape: Record<string, z.ZodType> = {
    ...commonEnv,
    ...tracingEnv,
    HEALTH_CHECK_TIMEOUT_MS: env.millis(100, 10_000),
    [names.httpHost]: env.string('a host or IP address to listen on'),
    [names.httpPort]: env.port(),
    ...(needsRpc ? { ...rpcEnv, ...rpcTlsEnv } : {}),
    ...(uses(name, 'postgres') ? { ...postgresEnv, [names.database]: env.databaseName() } : {}),
    ...(uses(name, 'redis') || decl.calls.length > 0 || decl.tcpPort !== undefined ? redisEnv : {}),
    ...(uses(name, 'kafka') ? { ...kafkaEnv, ...messagingEnv } : {}),
    ...(readsLiveSettings(name) ? { ...redisEnv, ...settingsEnv } : {}),
    ...appShape,
  };
  if (decl.tcpPort !== undefined) {
    Object.assign(shape, {
      [names.tcpHost]: env.string('a host or IP address to listen on'),
      [names.tcpPort]: env.port(),
      [names.advertisedAddress]: env.hostPorts(),
      SERVICE_REGISTRY: env.oneOf(['none', 'redis']),
      REGISTRY_TTL_MS: env.millis(300, 600_000),
    });
  }
  if (decl.tcpPort !== undefined || decl.calls.length > 0) shape.REGISTRY_NAMESPACE = env.string('a registry namespace');
  for (const callee of calleesOf(decl)) {
    const t = envNamesOf(callee);
    shape[t.discovery] = env.oneOf(['static', 'dns', 'redis']);
    shape[t.addresses] = env.hostPorts();
  }
  return shape;
}

/** Every service an app has a client of: those it calls, then those it only observes. */
const calleesOf = (decl: ServiceDeclaration): ServiceName[] => [
  ...(decl.calls as readonly ServiceName[]),
  ...((decl.observes ?? []) as readonly ServiceName[]),
];

type Raw = Record<string, unknown>;
const str = (raw: Raw, key: string): string => raw[key] as string;
const num = (raw: Raw, key: string): number => raw[key] as number;

/**
 * Validates the environment of an app and converts it into its {@link ServiceConfig}.
 * @throws ConfigError naming every bad variable.
 */
export function loadServiceConfig<N extends ServiceName>(
  name: N,
  source: Record<string, string | undefined> = process.env,
): ServiceConfig<ConfigOf<AppEnvOf<N>>> {
  const raw = loadConfig(serviceEnvShape(name), source) as Raw;
  const decl: ServiceDeclaration = SERVICES[name];
  const appShape = decl.env ?? {};
  const names = envNamesOf(name);
  const tls = raw.RPC_TLS === undefined ? undefined : loadRpcTls(raw as unknown as Parameters<typeof loadRpcTls>[0]);
  const app = Object.fromEntries(Object.keys(appShape).map((k) => [k, raw[k]])) as ConfigOf<AppEnvOf<N>>;
  const namespace = (raw.REGISTRY_NAMESPACE as string | undefined) ?? DEFAULT_REGISTRY_NAMESPACE;
  return Object.freeze({
    name,
    nodeEnv: raw.NODE_ENV as ServiceConfig['nodeEnv'],
    logLevel: raw.LOG_LEVEL as ServiceConfig['logLevel'],
    drainMs: num(raw, 'SHUTDOWN_DRAIN_MS'),
    healthTimeoutMs: num(raw, 'HEALTH_CHECK_TIMEOUT_MS'),
    http: { host: str(raw, names.httpHost), port: num(raw, names.httpPort) },
    tcp:
      decl.tcpPort !== undefined
        ? {
            host: str(raw, names.tcpHost),
            port: num(raw, names.tcpPort),
            maxMessageChars: num(raw, 'RPC_MAX_MESSAGE_CHARS'),
            tls,
          }
        : undefined,
    registry: {
      kind: (raw.SERVICE_REGISTRY as 'none' | 'redis' | undefined) ?? 'none',
      redisUrl: raw.REDIS_URL as string | undefined,
      namespace,
      ttlMs: (raw.REGISTRY_TTL_MS as number | undefined) ?? 3000,
      advertisedAddress: (raw[names.advertisedAddress] as string[] | undefined)?.[0],
    },
    postgres: uses(name, 'postgres')
      ? {
          host: str(raw, 'POSTGRES_HOST'),
          port: num(raw, 'POSTGRES_PORT'),
          user: str(raw, 'POSTGRES_USER'),
          password: str(raw, 'POSTGRES_PASSWORD'),
          database: str(raw, names.database),
          nodeEnv: str(raw, 'NODE_ENV'),
          applicationName: `shopmesh-${name}`,
        }
      : undefined,
    redisUrl: uses(name, 'redis') ? str(raw, 'REDIS_URL') : undefined,
    settings: readsLiveSettings(name)
      ? { redisUrl: str(raw, 'REDIS_URL'), namespace: str(raw, 'SETTINGS_NAMESPACE'), refreshMs: num(raw, 'SETTINGS_REFRESH_MS') }
      : undefined,
    kafka: uses(name, 'kafka')
      ? {
          brokers: raw.KAFKA_BROKERS as string[],
          relay: {
            batchSize: num(raw, 'OUTBOX_BATCH_SIZE'),
            pollIntervalMs: num(raw, 'OUTBOX_POLL_INTERVAL_MS'),
            wake: raw.OUTBOX_WAKE as 'commit' | 'notify' | 'poll',
            retentionMs: num(raw, 'OUTBOX_RETENTION_HOURS') * 3_600_000,
          },
          consumer: {
            maxAttempts: num(raw, 'CONSUMER_MAX_ATTEMPTS'),
            minBackoffMs: num(raw, 'CONSUMER_BACKOFF_MIN_MS'),
            maxBackoffMs: num(raw, 'CONSUMER_BACKOFF_MAX_MS'),
            sessionTimeoutMs: num(raw, 'CONSUMER_SESSION_TIMEOUT_MS'),
            maxBatchSize: num(raw, 'CONSUMER_BATCH_SIZE'),
          },
        }
      : undefined,
    targets: calleesOf(decl).map((callee) => {
      const t = envNamesOf(callee);
      return {
        name: callee,
        readiness: decl.calls.includes(callee),
        discovery: raw[t.discovery] as RpcTargetConfig['discovery'],
        addresses: raw[t.addresses] as string[],
        registryRedisUrl: raw.REDIS_URL as string | undefined,
        registryNamespace: namespace,
        timeoutMs: num(raw, 'RPC_TIMEOUT_MS'),
        balancing: raw.RPC_BALANCING as RpcTargetConfig['balancing'],
        maxPendingPerInstance: num(raw, 'RPC_MAX_PENDING_PER_INSTANCE'),
        breaker: { failureThreshold: num(raw, 'RPC_BREAKER_FAILURES'), openMs: num(raw, 'RPC_BREAKER_OPEN_MS') },
        maxMessageChars: num(raw, 'RPC_MAX_MESSAGE_CHARS'),
        tls,
      };
    }),
    app,
  });
}
