import { LoginRequestSchema, RefreshRequestSchema, RegisterRequestSchema } from './schemas';

describe('identity request schemas', () => {
  const valid = { email: ' Ada@Example.com ', password: 'correct horse', name: ' Ada ' };

  it('accepts a registration, trimming email and name', () => {
    expect(RegisterRequestSchema.parse(valid)).toEqual({ email: 'Ada@Example.com', password: 'correct horse', name: 'Ada' });
  });

  it('counts password characters, not UTF-16 units', () => {
    expect(RegisterRequestSchema.safeParse({ ...valid, password: '🔑'.repeat(128) }).success).toBe(true);
    expect(RegisterRequestSchema.safeParse({ ...valid, password: '🔑'.repeat(129) }).success).toBe(false);
    expect(RegisterRequestSchema.safeParse({ ...valid, password: '🔑'.repeat(7) }).success).toBe(false);
  });

  it.each([
    ['an unknown field', { ...valid, role: 'admin' }],
    ['a bad email', { ...valid, email: 'not-an-email' }],
    ['an email over 254 characters', { ...valid, email: `${'a'.repeat(250)}@example.com` }],
    ['a NUL in the email', { ...valid, email: 'ada\u0000@example.com' }],
    ['a NUL in the password', { ...valid, password: 'correct\u0000horse' }],
    ['a NUL in the name', { ...valid, name: 'Ada\u0000' }],
    ['an empty name', { ...valid, name: '   ' }],
    ['a name over 100 characters', { ...valid, name: 'a'.repeat(101) }],
  ])('refuses a registration with %s', (_name, body) => {
    expect(RegisterRequestSchema.safeParse(body).success).toBe(false);
  });

  it('refuses NUL characters and oversize tokens on login and refresh', () => {
    expect(LoginRequestSchema.safeParse({ email: 'a@b.c', password: 'x\u0000' }).success).toBe(false);
    expect(LoginRequestSchema.safeParse({ email: 'a@b.c', password: 'x' }).success).toBe(true);
    expect(RefreshRequestSchema.safeParse({ refreshToken: 'a'.repeat(513) }).success).toBe(false);
    expect(RefreshRequestSchema.safeParse({ refreshToken: 'a'.repeat(43) }).success).toBe(true);
  });
});
