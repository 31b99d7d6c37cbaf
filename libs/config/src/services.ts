/**
 * The apps of ShopMesh and how they depend on each other: one declaration per app. The env schema
 * of each app, its Nest wiring (ServiceKitModule.forService), the launcher's entry (`npm run up`),
 * the `.env.example` and Compose checks all derive from these lines. Adding an app is adding a line.
 */
import type { z } from 'zod';
import { edgeEnv } from './edge-env';
import { env } from './env';

export type Dependency = 'postgres' | 'redis' | 'kafka';

export interface ServiceDeclaration {
  /** TCP port of its RPC server (Nest transport); absent for the gateway. */
  readonly tcpPort?: number;
  /** Its HTTP port: the ops port of a service, the public API of the gateway. */
  readonly httpPort: number;
  /** Infrastructure it uses (each one a readiness check). */
  readonly uses: readonly Dependency[];
  /** Services it calls over RPC (each one a client, a discovery setting and a readiness check). */
  readonly calls: readonly string[];
  /**
   * Services it calls only to operate them (the gateway's ops console): a client and a discovery
   * setting like `calls`, but no readiness check and no start-order dependency.
   */
  readonly observes?: readonly string[];
  /**
   * Reads live settings (rate limits, deadlines, breaker thresholds, flags) from the settings store
   * in Redis (`@shopmesh/settings`): a readiness detail, never a reason to be unready.
   */
  readonly liveSettings?: boolean;
  /** Has demo data (`dist/apps/<name>/src/seed/seed.js`), loaded by `npm run up`. */
  readonly seed?: boolean;
  /** The app's own variables (the chassis' ones derive from the fields above). */
  readonly env?: z.ZodRawShape;
}

/** Access tokens: where their keys are and what they claim (identity signs, the gateway verifies). */
const accessTokenEnv = {
  JWT_PUBLIC_KEY_FILE: env.string('the path of the Ed25519 public key (PEM) access tokens are verified with'),
  JWT_ISSUER: env.string('the issuer (iss) of access tokens'),
  JWT_AUDIENCE: env.string('the audience (aud) of access tokens'),
};

export const SERVICES = {
  identity: {
    tcpPort: 4001,
    httpPort: 9101,
    uses: ['postgres', 'kafka'],
    calls: [],
    env: {
      ...accessTokenEnv,
      JWT_PRIVATE_KEY_FILE: env.string('the path of the Ed25519 private key (PEM) access tokens are signed with'),
      ACCESS_TOKEN_TTL_SECONDS: env.int(60, 86_400, 'seconds (60-86400)'),
      REFRESH_TOKEN_TTL_SECONDS: env.int(300, 90 * 86_400, 'seconds (300-7776000)'),
      ARGON2_MEMORY_KIB: env.int(19_456, 4_194_304, 'KiB of memory per hash (OWASP minimum 19456)'),
      ARGON2_TIME_COST: env.int(2, 100, 'iterations (OWASP minimum 2)'),
      ARGON2_PARALLELISM: env.int(1, 16, 'lanes (1-16)'),
      ADMIN_EMAIL: env.string('the email of the admin account seeded at start-up'),
      ADMIN_PASSWORD: env.string('the password of the admin account (8 characters or more)'),
    },
  },
  catalog: {
    tcpPort: 4002,
    httpPort: 9102,
    uses: ['postgres', 'redis', 'kafka'],
    calls: [],
    seed: true,
    env: {
      CATALOG_CACHE_TTL_SECONDS: env.int(0, 86_400, 'seconds (0 turns the product cache off)'),
      CATALOG_PAGE_CACHE_TTL_SECONDS: env.int(0, 3600, 'seconds (0 turns page caching off)'),
    },
  },
  cart: {
    tcpPort: 4003,
    httpPort: 9103,
    uses: ['redis', 'kafka'],
    calls: ['catalog'],
    liveSettings: true,
    env: { CART_TTL_SECONDS: env.int(60, 90 * 86_400, 'seconds a cart is kept after its last use') },
  },
  inventory: {
    tcpPort: 4004,
    httpPort: 9104,
    uses: ['postgres', 'kafka'],
    calls: [],
    seed: true,
    env: {
      RESERVATION_SWEEP_INTERVAL_MS: env.int(100, 600_000, 'milliseconds between two sweeps for expired reservations'),
    },
  },
  payments: {
    tcpPort: 4006,
    httpPort: 9106,
    uses: ['postgres', 'kafka'],
    calls: [],
    env: {
      PAYMENT_PROVIDER_TIMEOUT_MS: env.int(100, 60_000, 'milliseconds payments waits for one answer of the provider'),
      PAYMENT_PROVIDER_MAX_ATTEMPTS: env.int(1, 10, 'calls of the provider per command before it counts as failed (1-10)'),
    },
  },
  orders: {
    tcpPort: 4005,
    httpPort: 9105,
    uses: ['postgres', 'kafka'],
    calls: ['catalog', 'cart'],
    liveSettings: true,
    env: {
      ORDER_STEP_TIMEOUT_MS: env.int(
        500,
        600_000,
        'milliseconds a saga step waits for its reply before the order is compensated',
      ),
      ORDER_COMPENSATION_RETRY_MS: env.int(500, 600_000, 'milliseconds before an unacknowledged compensation is sent again'),
      ORDER_DEADLINE_SCAN_INTERVAL_MS: env.int(50, 60_000, 'milliseconds between two scans for sagas past their deadline'),
      RESERVATION_TTL_SECONDS: env.int(
        10,
        86_400,
        'seconds inventory holds a reservation that is neither committed nor released',
      ),
      IDEMPOTENCY_KEY_TTL_HOURS: env.int(24, 24 * 30, 'hours an Idempotency-Key and its answer are kept (24 or more)'),
    },
  },
  gateway: {
    httpPort: 3000,
    uses: ['redis'],
    calls: ['identity', 'catalog', 'cart', 'inventory', 'orders'],
    observes: ['payments'],
    liveSettings: true,
    env: {
      ...accessTokenEnv,
      ...edgeEnv,
      SESSION_CHECK_CACHE_MS: env.int(0, 60_000, 'milliseconds a verified session is trusted before identity is asked again'),
      TRACE_UI_URL: env.url(['http', 'https']),
    },
  },
} as const satisfies Record<string, ServiceDeclaration>;

export type ServiceName = keyof typeof SERVICES;

/** The shape of an app's own variables. */
export type AppEnvOf<N extends ServiceName> = (typeof SERVICES)[N] extends { env: infer E extends z.ZodRawShape }
  ? E
  : Record<never, never>;

export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/** The names of the variables of one app, derived from its name. */
export function envNamesOf(name: ServiceName) {
  const p = name.toUpperCase();
  const hasTcp = 'tcpPort' in SERVICES[name];
  return {
    httpHost: hasTcp ? `${p}_OPS_HOST` : `${p}_HOST`,
    httpPort: hasTcp ? `${p}_OPS_PORT` : `${p}_PORT`,
    tcpHost: `${p}_TCP_HOST`,
    tcpPort: `${p}_TCP_PORT`,
    /** The `host:port` an instance registers under (Redis registry). */
    advertisedAddress: `${p}_ADVERTISED_ADDRESS`,
    database: `${p}_DB_NAME`,
    /** Read by its callers: how they find its instances. */
    discovery: `${p}_DISCOVERY`,
    addresses: `${p}_ADDRESSES`,
  };
}

/** The database of an app that uses Postgres (`shopmesh_<name>`), as `.env.example` sets it. */
export const defaultDatabaseOf = (name: ServiceName): string => `shopmesh_${name}`;

/** Apps in start order: every service before the apps that call it. */
export function startOrder(): ServiceName[] {
  const ordered: ServiceName[] = [];
  const visit = (name: ServiceName): void => {
    if (ordered.includes(name)) return;
    for (const callee of SERVICES[name].calls as readonly ServiceName[]) visit(callee);
    ordered.push(name);
  };
  SERVICE_NAMES.forEach(visit);
  return ordered;
}

export const uses = (name: ServiceName, dependency: Dependency): boolean =>
  (SERVICES[name].uses as readonly Dependency[]).includes(dependency);

/** The app reads the live settings, so it reaches Redis even if it does not use it otherwise. */
export const readsLiveSettings = (name: ServiceName): boolean => (SERVICES[name] as ServiceDeclaration).liveSettings === true;
