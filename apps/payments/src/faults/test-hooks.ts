import { KILL_AFTER_PROVIDER_CHARGE, NO_FAULTS, type PaymentFaults } from './payment-faults';

/** What a test running payments as a real process (from `dist/`) may change through the environment. */
export interface TestHooks {
  /** The registration name of the payments.commands consumer (a Kafka group per test suite). */
  consumerName?: string;
  /**
   * A suite's own group (`consumerName`), or the fixed group with `PAYMENTS_TEST_COMMANDS_FROM_END=1`, on the
   * long-lived shared broker starts at the end, not at every other suite's commands.
   */
  consumeFromBeginning?: boolean;
  /** Only orders whose id starts with this prefix are handled; the others are skipped (shared topics). */
  orderIdPrefix?: string;
  faults: PaymentFaults;
  /** Test variables that were set but ignored because NODE_ENV is not `test`. */
  ignored: string[];
}

export const TEST_HOOK_VARIABLES = {
  consumerName: 'PAYMENTS_TEST_CONSUMER_NAME',
  commandsFromEnd: 'PAYMENTS_TEST_COMMANDS_FROM_END',
  orderIdPrefix: 'PAYMENTS_TEST_ORDER_ID_PREFIX',
  killAfterProviderCharge: 'PAYMENTS_FAULT_KILL_AFTER_PROVIDER_CHARGE',
} as const;

/**
 * The test hooks of the environment. They are deliberately not part of the service's declared
 * settings (`SERVICES`, `.env.example`, Compose): they exist for the test suites only and are read
 * only when `NODE_ENV=test`; in development or production they are ignored (and reported), so a
 * stray `PAYMENTS_FAULT_KILL_AFTER_PROVIDER_CHARGE=1` can never kill a real payments process.
 */
export function testHooksOf(nodeEnv: string, env: Record<string, string | undefined>): TestHooks {
  const set = Object.values(TEST_HOOK_VARIABLES).filter((name) => (env[name] ?? '') !== '');
  if (nodeEnv !== 'test') return { faults: NO_FAULTS, ignored: set };
  return {
    consumerName: env[TEST_HOOK_VARIABLES.consumerName] || undefined,
    consumeFromBeginning:
      env[TEST_HOOK_VARIABLES.consumerName] || env[TEST_HOOK_VARIABLES.commandsFromEnd] === '1' ? false : undefined,
    orderIdPrefix: env[TEST_HOOK_VARIABLES.orderIdPrefix] || undefined,
    faults: env[TEST_HOOK_VARIABLES.killAfterProviderCharge] === '1' ? KILL_AFTER_PROVIDER_CHARGE : NO_FAULTS,
    ignored: [],
  };
}
