import { SETTINGS_SCHEMA, SETTING_KEYS } from './settings-schema';
import { applyChanges, checkChanges, readStoredValues } from './settings-validation';

describe(checkChanges.name, () => {
  it('accepts known settings with values of their type and within their bounds, and null', () => {
    const changes = { 'checkout.open': false, 'rpc.timeoutMs': 50, 'orders.stepTimeoutMs': 600_000, 'rpc.breaker.openMs': null };
    expect(checkChanges(changes)).toEqual({ ok: true, value: changes });
  });

  it('refuses the whole change with one error per bad entry', () => {
    const sut = checkChanges({
      'rpc.timeoutMs': 49,
      'checkout.open': 'false',
      'gateway.rateLimit.read.limit': 1.5,
      'orders.stepTimeout': 1000,
      'orders.reservationTtlSeconds': 60,
    });
    expect(sut).toEqual({
      ok: false,
      errors: [
        { field: 'changes.rpc.timeoutMs', message: 'expected an integer between 50 and 60000 (ms)' },
        { field: 'changes.checkout.open', message: 'expected true or false' },
        { field: 'changes.gateway.rateLimit.read.limit', message: 'expected an integer between 1 and 1000000 (requests)' },
        { field: 'changes.orders.stepTimeout', message: 'unknown setting' },
      ],
    });
  });

  it('refuses an empty change and inherited property names', () => {
    expect(checkChanges({})).toMatchObject({ ok: false, errors: [{ field: 'changes' }] });
    expect(checkChanges({ toString: 1 })).toMatchObject({
      ok: false,
      errors: [{ field: 'changes.toString', message: 'unknown setting' }],
    });
  });
});

describe(applyChanges.name, () => {
  it('sets values and removes those changed to null', () => {
    expect(
      applyChanges({ 'rpc.timeoutMs': 100, 'checkout.open': false }, { 'checkout.open': null, 'orders.stepTimeoutMs': 900 }),
    ).toEqual({
      'rpc.timeoutMs': 100,
      'orders.stepTimeoutMs': 900,
    });
  });
});

describe(readStoredValues.name, () => {
  it('skips keys it does not know (a newer version wrote them)', () => {
    expect(readStoredValues('{"rpc.timeoutMs":200,"payments.newSetting":3}')).toEqual({
      values: { 'rpc.timeoutMs': 200 },
      errors: [],
    });
  });

  it('reports a bad known value, a document that is not an object, and one that is not JSON', () => {
    expect(readStoredValues('{"rpc.timeoutMs":"200","checkout.open":false}')).toEqual({
      values: { 'checkout.open': false },
      errors: [{ field: 'values.rpc.timeoutMs', message: 'expected an integer between 50 and 60000 (ms)' }],
    });
    expect(readStoredValues('[1]').errors).toEqual([{ field: 'values', message: 'expected an object' }]);
    expect(readStoredValues('{').errors).toEqual([{ field: 'values', message: 'not JSON' }]);
  });
});

describe('SETTINGS_SCHEMA', () => {
  it('names, for every integer setting, the variable its default comes from, and a non-empty range', () => {
    for (const key of SETTING_KEYS) {
      const definition = SETTINGS_SCHEMA[key];
      if (definition.type === 'integer') {
        expect({ key, env: definition.env }).toEqual({ key, env: expect.stringMatching(/^[A-Z_]+$/) });
        expect(definition.min).toBeLessThan(definition.max);
      }
    }
    expect(SETTING_KEYS).toHaveLength(18);
  });
});
