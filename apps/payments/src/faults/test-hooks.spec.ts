import { KILL_AFTER_PROVIDER_CHARGE, NO_FAULTS } from './payment-faults';
import { testHooksOf } from './test-hooks';

describe(testHooksOf.name, () => {
  const env = {
    PAYMENTS_TEST_CONSUMER_NAME: 'commands-crash-1',
    PAYMENTS_TEST_ORDER_ID_PREFIX: 'abcd1234',
    PAYMENTS_FAULT_KILL_AFTER_PROVIDER_CHARGE: '1',
  };

  it('reads the hooks when NODE_ENV is test', () => {
    expect(testHooksOf('test', env)).toEqual({
      consumerName: 'commands-crash-1',
      consumeFromBeginning: false,
      orderIdPrefix: 'abcd1234',
      faults: KILL_AFTER_PROVIDER_CHARGE,
      ignored: [],
    });
  });

  it.each(['production', 'development'])('ignores every hook under NODE_ENV=%s, and says which', (nodeEnv) => {
    expect(testHooksOf(nodeEnv, env)).toEqual({ faults: NO_FAULTS, ignored: Object.keys(env) });
  });

  it('injects no fault unless asked to, exactly', () => {
    expect(testHooksOf('test', {}).faults).toBe(NO_FAULTS);
    expect(testHooksOf('test', { PAYMENTS_FAULT_KILL_AFTER_PROVIDER_CHARGE: 'true' }).faults).toBe(NO_FAULTS);
  });
});
