import { normalizeEmail } from './email';

describe(normalizeEmail.name, () => {
  it.each([
    [' Ada@Example.COM\t', 'ada@example.com'],
    ['ada@example.com', 'ada@example.com'],
    ['Jose\u0301@example.com', 'jos\u00e9@example.com'],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});
