import { startIdentity, type IdentityUnderTest } from './identity-harness';

describe('identity login and lockout (real Postgres)', () => {
  let sut: IdentityUnderTest;
  const password = 'correct horse battery';
  const invalid = { ok: false, reason: 'INVALID_CREDENTIALS' };

  beforeAll(async () => {
    // locks of a second or so: on a frozen clock, so that 20 slow attempts on a busy machine never outlast one
    sut = await startIdentity('login', {
      lockout: { threshold: 5, baseSeconds: 1, maxSeconds: 4, forgetAfterSeconds: 3600 },
      frozenClock: true,
    });
  });
  afterAll(() => sut?.close());

  const registered = async (email: string) => {
    const result = await sut.register.register({ email, password, name: 'Someone' });
    if (!result.ok) throw new Error(`could not register ${email}`);
    return result.user;
  };
  const failTimes = async (email: string, n: number) => {
    for (let i = 0; i < n; i += 1) await expect(sut.login.login({ email, password: 'wrong guess' })).resolves.toEqual(invalid);
  };
  const lockoutRow = async (email: string): Promise<{ failed_logins: number; locked_until: Date | null }> => {
    const [row] = await sut.dataSource.query<Array<{ failed_logins: number; locked_until: Date | null }>>(
      `SELECT failed_logins, locked_until FROM users WHERE email = $1`,
      [email],
    );
    if (!row) throw new Error(`no user ${email}`);
    return row;
  };

  it('logs in with any spelling of the email, answering a verifiable access token of a new session', async () => {
    const user = await registered('ada@example.com');
    const result = await sut.login.login({ email: ' ADA@example.com', password });
    if (!result.ok) throw new Error('login failed');
    expect(result.tokens).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    const check = await sut.verifier.verify(result.tokens.accessToken);
    expect(check).toMatchObject({ ok: true, claims: { sub: user.id, role: 'customer', sid: expect.any(String) } });
    if (check.ok) await expect(sut.sessions.isSessionActive(user.id, check.claims.sid)).resolves.toBe(true);

    const again = await sut.login.login({ email: 'ada@example.com', password });
    const second = again.ok ? await sut.verifier.verify(again.tokens.accessToken) : undefined;
    expect(second?.ok && check.ok && second.claims.sid !== check.claims.sid).toBe(true);
  });

  it('answers an unknown email and a wrong password alike', async () => {
    await registered('grace@example.com');
    const unknown = await sut.login.login({ email: 'nobody@example.com', password });
    const wrong = await sut.login.login({ email: 'grace@example.com', password: 'not her password' });
    expect(unknown).toEqual(invalid);
    expect(wrong).toEqual(unknown);
  });

  it('locks after 5 failures, refusing even the right password alike, until the lock ends', async () => {
    await registered('locked@example.com');
    await failTimes('locked@example.com', 4);
    expect(await lockoutRow('locked@example.com')).toEqual({ failed_logins: 4, locked_until: null });
    await failTimes('locked@example.com', 1);
    await expect(sut.login.login({ email: 'locked@example.com', password })).resolves.toEqual(invalid);
    sut.clock.advance(1);
    await expect(sut.login.login({ email: 'locked@example.com', password })).resolves.toMatchObject({ ok: true });
    expect(await lockoutRow('locked@example.com')).toEqual({ failed_logins: 0, locked_until: null });
  });

  it('doubles the lock with each further failure, up to the cap; attempts while locked do not extend it', async () => {
    await registered('stuffed@example.com');
    await failTimes('stuffed@example.com', 5); // locked 1 s
    await failTimes('stuffed@example.com', 20); // refused while locked: not counted
    expect((await lockoutRow('stuffed@example.com')).failed_logins).toBe(5);
    sut.clock.advance(1);
    await failTimes('stuffed@example.com', 1); // 6th failure: locked 2 s
    sut.clock.advance(1.5);
    await expect(sut.login.login({ email: 'stuffed@example.com', password })).resolves.toEqual(invalid);
    sut.clock.advance(0.5);
    await failTimes('stuffed@example.com', 1); // 7th: 4 s
    sut.clock.advance(4);
    await failTimes('stuffed@example.com', 1); // 8th: would be 8 s, capped at 4 s
    sut.clock.advance(3.9);
    await expect(sut.login.login({ email: 'stuffed@example.com', password })).resolves.toEqual(invalid);
    sut.clock.advance(0.1);
    await expect(sut.login.login({ email: 'stuffed@example.com', password })).resolves.toMatchObject({ ok: true });
  });

  it('counts every one of concurrent failures (none lost), and locks', async () => {
    await registered('burst@example.com');
    const results = await Promise.all(
      Array.from({ length: 4 }, () => sut.login.login({ email: 'burst@example.com', password: 'wrong guess' })),
    );
    expect(results).toEqual(Array(4).fill(invalid));
    expect((await lockoutRow('burst@example.com')).failed_logins).toBe(4);
    await failTimes('burst@example.com', 1);
    await expect(sut.login.login({ email: 'burst@example.com', password })).resolves.toEqual(invalid);
  });
});
