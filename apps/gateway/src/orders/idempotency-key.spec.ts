import { idempotencyKeyOf } from './idempotency-key';

const errorOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe(idempotencyKeyOf.name, () => {
  it('accepts 1-255 printable ASCII characters', () => {
    expect(idempotencyKeyOf('a')).toBe('a');
    expect(idempotencyKeyOf('~'.repeat(255))).toBe('~'.repeat(255));
    expect(idempotencyKeyOf('2f0c7f5e-order-1')).toBe('2f0c7f5e-order-1');
  });

  it('refuses a missing key with IDEMPOTENCY.KEY_REQUIRED', () => {
    expect(errorOf(() => idempotencyKeyOf(undefined))).toMatchObject({ code: 'IDEMPOTENCY.KEY_REQUIRED' });
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['with a space', 'a b'],
    ['non-ASCII', 'clé'],
  ])('refuses a key that is %s with VALIDATION.FAILED naming the header', (_, value) => {
    expect(errorOf(() => idempotencyKeyOf(value))).toMatchObject({
      code: 'VALIDATION.FAILED',
      errors: [{ field: 'Idempotency-Key' }],
    });
  });

  it('refuses the header sent twice', () => {
    expect(errorOf(() => idempotencyKeyOf(['a', 'b']))).toMatchObject({ code: 'VALIDATION.FAILED' });
  });
});
