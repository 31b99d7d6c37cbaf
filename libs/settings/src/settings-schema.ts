/**
 * The live settings: values an operator tunes while ShopMesh runs, each with its type, bounds and
 * meaning. The store holds only the values an operator set; a setting never set is, in each
 * instance, the value of the environment variable it replaces (`env`), so a fresh store behaves
 * exactly as the environment says. A flag with no variable has its `default`.
 */
interface IntegerSetting {
  readonly type: 'integer';
  readonly min: number;
  readonly max: number;
  readonly unit: 'ms' | 's' | 'requests' | 'failures';
  readonly description: string;
  /** The variable whose value a setting never set takes, in the apps that read it. */
  readonly env: string;
}

interface FlagSetting {
  readonly type: 'boolean';
  readonly description: string;
  readonly default: boolean;
}

export type SettingDefinition = IntegerSetting | FlagSetting;

const integer = (min: number, max: number, unit: IntegerSetting['unit'], env: string, description: string) =>
  ({ type: 'integer', min, max, unit, env, description }) as const satisfies IntegerSetting;

/** The gateway's rate-limit policies (`@RateLimit(...)`): each has a live limit and window. */
const POLICIES = {
  login: 'login attempts per client IP',
  register: 'sign-ups per client IP',
  auth: 'token refreshes and logouts per client IP',
  read: 'reads per user (per client IP when anonymous)',
  write: 'writes per user',
  stream: 'order event streams opened per user',
} as const;

type Policy = keyof typeof POLICIES;
type RateLimitSettings = Record<`gateway.rateLimit.${Policy}.limit` | `gateway.rateLimit.${Policy}.windowMs`, IntegerSetting>;

const rateLimitSettings = (): RateLimitSettings => {
  const entries = Object.entries(POLICIES).flatMap(([policy, what]) => {
    const env = `RATE_LIMIT_${policy.toUpperCase()}`;
    return [
      [`gateway.rateLimit.${policy}.limit`, integer(1, 1_000_000, 'requests', `${env}_LIMIT`, `${what} in one window`)],
      [
        `gateway.rateLimit.${policy}.windowMs`,
        integer(1000, 24 * 60 * 60 * 1000, 'ms', `${env}_WINDOW_MS`, `length of the ${policy} rate-limit window`),
      ],
    ] as const;
  });
  return Object.fromEntries(entries) as RateLimitSettings;
};

export const SETTINGS_SCHEMA = {
  'checkout.open': {
    type: 'boolean',
    default: true,
    description: 'checkout is open: false answers every new order 503 CHECKOUT.CLOSED at the gateway (orders in flight go on)',
  },
  'rpc.timeoutMs': integer(50, 60_000, 'ms', 'RPC_TIMEOUT_MS', 'deadline of an RPC (all attempts) unless the call sets its own'),
  'rpc.breaker.failureThreshold': integer(
    1,
    1000,
    'failures',
    'RPC_BREAKER_FAILURES',
    "consecutive failures that open a caller's breaker to one instance",
  ),
  'rpc.breaker.openMs': integer(10, 600_000, 'ms', 'RPC_BREAKER_OPEN_MS', 'how long an open breaker keeps its instance out'),
  'orders.stepTimeoutMs': integer(
    500,
    600_000,
    'ms',
    'ORDER_STEP_TIMEOUT_MS',
    'how long a saga step waits for its reply before the order is compensated (steps entered from now on)',
  ),
  'orders.reservationTtlSeconds': integer(
    10,
    86_400,
    's',
    'RESERVATION_TTL_SECONDS',
    'how long inventory holds the stock of a new reservation that is neither committed nor released',
  ),
  ...rateLimitSettings(),
} as const satisfies Record<string, SettingDefinition>;

export type SettingKey = keyof typeof SETTINGS_SCHEMA;

/** The type of a setting's value. */
export type SettingValue<K extends SettingKey> = (typeof SETTINGS_SCHEMA)[K] extends FlagSetting ? boolean : number;

/** One value per setting. */
export type SettingsValues = { [K in SettingKey]: SettingValue<K> };

export const SETTING_KEYS = Object.keys(SETTINGS_SCHEMA) as SettingKey[];

export const isSettingKey = (key: string): key is SettingKey => Object.hasOwn(SETTINGS_SCHEMA, key);
