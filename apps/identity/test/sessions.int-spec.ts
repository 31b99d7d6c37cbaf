import type { TokenPair } from '@shopmesh/contracts';
import { REFRESH_TTL_SECONDS, startIdentity, type IdentityUnderTest } from './identity-harness';

describe('identity refresh, logout and session check (real Postgres)', () => {
  let sut: IdentityUnderTest;
  const password = 'correct horse battery';
  const invalid = { ok: false, reason: 'INVALID_REFRESH_TOKEN' };
  let n = 0;

  beforeAll(async () => (sut = await startIdentity('sessions')));
  afterAll(() => sut?.close());

  /** A new user, logged in: their id, first token pair and session id. */
  const loggedIn = async () => {
    const email = `user${(n += 1)}@example.com`;
    const registered = await sut.register.register({ email, password, name: 'Someone' });
    const login = await sut.login.login({ email, password });
    if (!registered.ok || !login.ok) throw new Error('could not log in');
    return { userId: registered.user.id, tokens: login.tokens, sessionId: await sessionOf(login.tokens) };
  };
  const sessionOf = async (tokens: TokenPair): Promise<string> => {
    const check = await sut.verifier.verify(tokens.accessToken);
    if (!check.ok) throw new Error(`bad access token: ${check.reason}`);
    return check.claims.sid;
  };
  const refreshed = async (refreshToken: string): Promise<TokenPair> => {
    const result = await sut.refresh.refresh(refreshToken);
    if (!result.ok) throw new Error('refresh failed');
    return result.tokens;
  };

  it('rotates: a refresh answers a new pair of the same session, for the same user', async () => {
    const { userId, tokens, sessionId } = await loggedIn();
    const next = await refreshed(tokens.refreshToken);
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    await expect(sut.verifier.verify(next.accessToken)).resolves.toMatchObject({
      ok: true,
      claims: { sub: userId, sid: sessionId, role: 'customer' },
    });
    await expect(refreshed(next.refreshToken)).resolves.toEqual(expect.objectContaining({ expiresIn: 900 }));
  });

  it('a reused refresh token revokes its whole session, the newest token included', async () => {
    const { userId, tokens, sessionId } = await loggedIn();
    const next = await refreshed(tokens.refreshToken);
    await expect(sut.refresh.refresh(tokens.refreshToken)).resolves.toEqual(invalid);
    await expect(sut.refresh.refresh(next.refreshToken)).resolves.toEqual(invalid);
    await expect(sut.sessions.isSessionActive(userId, sessionId)).resolves.toBe(false);
  });

  it('of concurrent refreshes with one token exactly one wins (the replay then ends the session)', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { userId, tokens, sessionId } = await loggedIn();
      const results = await Promise.all(Array.from({ length: 4 }, () => sut.refresh.refresh(tokens.refreshToken)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual(Array(3).fill(invalid));
      await expect(sut.sessions.isSessionActive(userId, sessionId)).resolves.toBe(false);
    }
  });

  it('refuses an expired refresh token and ends its session', async () => {
    const { userId, tokens, sessionId } = await loggedIn();
    sut.clock.advance(REFRESH_TTL_SECONDS);
    await expect(sut.refresh.refresh(tokens.refreshToken)).resolves.toEqual(invalid);
    await expect(sut.sessions.isSessionActive(userId, sessionId)).resolves.toBe(false);
  });

  it.each([
    ['an unknown token', 'A'.repeat(43)],
    ['garbage', 'not a token'],
    ['an empty string', ''],
  ])('refuses %s alike', async (_name, token) => {
    await expect(sut.refresh.refresh(token)).resolves.toEqual(invalid);
  });

  it('logout ends the session: no refresh, and the session check fails; other sessions live on', async () => {
    const { userId, tokens, sessionId } = await loggedIn();
    const login = await sut.login.login({ email: `user${n}@example.com`, password });
    if (!login.ok) throw new Error('second login failed');
    const next = await refreshed(tokens.refreshToken);
    await sut.logout.logout(userId, tokens.refreshToken); // a used token of the session suffices
    await expect(sut.refresh.refresh(next.refreshToken)).resolves.toEqual(invalid);
    await expect(sut.sessions.isSessionActive(userId, sessionId)).resolves.toBe(false);
    await expect(sut.sessions.isSessionActive(userId, await sessionOf(login.tokens))).resolves.toBe(true);
  });

  it("logout with another user's token changes nothing", async () => {
    const victim = await loggedIn();
    const attacker = await loggedIn();
    await expect(sut.logout.logout(attacker.userId, victim.tokens.refreshToken)).resolves.toBeUndefined();
    await expect(sut.sessions.isSessionActive(victim.userId, victim.sessionId)).resolves.toBe(true);
    await expect(refreshed(victim.tokens.refreshToken)).resolves.toBeDefined();
    await expect(sut.logout.logout(attacker.userId, 'garbage')).resolves.toBeUndefined();
  });

  it("the session check refuses a session under another user's id, and malformed ids", async () => {
    const a = await loggedIn();
    const b = await loggedIn();
    await expect(sut.sessions.isSessionActive(b.userId, a.sessionId)).resolves.toBe(false);
    await expect(sut.sessions.isSessionActive('nope', a.sessionId)).resolves.toBe(false);
    await expect(sut.sessions.isSessionActive(a.userId, '')).resolves.toBe(false);
  });

  it('a deleted user: no profile, no session, no refresh', async () => {
    const { userId, tokens, sessionId } = await loggedIn();
    await expect(sut.me.profile(userId)).resolves.toMatchObject({ ok: true, user: { id: userId, role: 'customer' } });
    await sut.dataSource.query(`DELETE FROM users WHERE id = $1`, [userId]);
    await expect(sut.me.profile(userId)).resolves.toEqual({ ok: false, reason: 'USER_NOT_FOUND' });
    await expect(sut.sessions.isSessionActive(userId, sessionId)).resolves.toBe(false);
    await expect(sut.refresh.refresh(tokens.refreshToken)).resolves.toEqual(invalid);
    await expect(sut.me.profile('not-a-uuid')).resolves.toEqual({ ok: false, reason: 'USER_NOT_FOUND' });
  });
});
