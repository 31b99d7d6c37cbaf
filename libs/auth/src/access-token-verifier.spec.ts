import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { AccessTokenIssuer } from './access-token-issuer';
import { AccessTokenVerifier } from './access-token-verifier';
import { keyIdOf, type SigningKeys } from './signing-keys';

const audience = { issuer: 'https://identity.shopmesh.test', audience: 'shopmesh' };
const subject = { userId: randomUUID(), role: 'customer' as const, sessionId: randomUUID() };

function newKeys(): SigningKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, kid: keyIdOf(publicKey) };
}

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe(AccessTokenVerifier.name, () => {
  const keys = newKeys();
  const issuer = new AccessTokenIssuer(keys, audience);
  const sut = new AccessTokenVerifier([keys.publicKey], audience);

  /** A token signed with our key whose claims the test chooses (only `exp` etc. differ). */
  const signed = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT({ role: 'customer', sid: subject.sessionId, ...claims })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: keys.kid, ...header })
      .sign(keys.privateKey!);

  const validClaims = () => ({
    sub: subject.userId,
    jti: randomUUID(),
    iss: audience.issuer,
    aud: audience.audience,
    iat: nowSeconds(),
    exp: nowSeconds() + 60,
  });

  it('accepts a token it issued and answers its claims', async () => {
    const { token, expiresIn } = await issuer.issue(subject);
    const check = await sut.verify(token);
    expect(expiresIn).toBe(900);
    expect(check).toEqual({
      ok: true,
      claims: expect.objectContaining({
        sub: subject.userId,
        role: 'customer',
        sid: subject.sessionId,
        iss: audience.issuer,
        aud: audience.audience,
      }),
    });
    if (check.ok) expect(check.claims.exp - check.claims.iat).toBe(900);
  });

  it('accepts a token of any of its keys (rotation), chosen by kid', async () => {
    const next = newKeys();
    const verifier = new AccessTokenVerifier([next.publicKey, keys.publicKey], audience);
    const fromNew = await new AccessTokenIssuer(next, audience).issue(subject);
    const fromOld = await issuer.issue(subject);
    await expect(verifier.verify(fromNew.token)).resolves.toMatchObject({ ok: true });
    await expect(verifier.verify(fromOld.token)).resolves.toMatchObject({ ok: true });
  });

  it('refuses alg none', async () => {
    const token = new UnsecuredJWT({ ...validClaims(), role: 'admin', sid: subject.sessionId }).encode();
    await expect(sut.verify(token)).resolves.toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    const withKid = `${b64({ alg: 'none', typ: 'at+jwt', kid: keys.kid })}.${b64(validClaims())}.`;
    await expect(sut.verify(withKid)).resolves.toMatchObject({ ok: false });
  });

  it('refuses HS256 signed with the public key as the secret', async () => {
    const secret = keys.publicKey.export({ type: 'spki', format: 'pem' });
    const body = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: keys.kid })}.${b64({ ...validClaims(), role: 'admin', sid: subject.sessionId })}`;
    const token = `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
    await expect(sut.verify(token)).resolves.toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('refuses an expired token, beyond the 5 s tolerance', async () => {
    const past = new AccessTokenIssuer(keys, { ...audience, ttlSeconds: 60, now: () => Date.now() - 66_000 });
    await expect(sut.verify((await past.issue(subject)).token)).resolves.toEqual({ ok: false, reason: 'EXPIRED' });
    const barely = new AccessTokenIssuer(keys, { ...audience, ttlSeconds: 60, now: () => Date.now() - 62_000 });
    await expect(sut.verify((await barely.issue(subject)).token)).resolves.toMatchObject({ ok: true });
  });

  it.each(['exp', 'iat', 'jti', 'sub', 'sid'])('refuses a token without %s', async (claim) => {
    const claims: Record<string, unknown> = { ...validClaims(), sid: subject.sessionId };
    delete claims[claim];
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: keys.kid })
      .sign(keys.privateKey!);
    await expect(sut.verify(token)).resolves.toEqual({ ok: false, reason: 'BAD_CLAIMS' });
  });

  it('refuses a token signed by another key, even with our kid', async () => {
    const other = newKeys();
    await expect(sut.verify((await new AccessTokenIssuer(other, audience).issue(subject)).token)).resolves.toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    const forged = await new SignJWT({ ...validClaims(), role: 'admin', sid: subject.sessionId })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: keys.kid })
      .sign(other.privateKey!);
    await expect(sut.verify(forged)).resolves.toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it.each([
    ['issuer', { iss: 'https://evil.test' }],
    ['audience', { aud: 'another-api' }],
  ])('refuses a wrong %s', async (_name, claims) => {
    await expect(sut.verify(await signed({ ...validClaims(), ...claims }))).resolves.toEqual({
      ok: false,
      reason: 'BAD_CLAIMS',
    });
  });

  it.each([
    ['no typ', { typ: undefined }],
    ['an ID-token typ', { typ: 'JWT' }],
  ])('refuses a token with %s', async (_name, header) => {
    await expect(sut.verify(await signed(validClaims(), header))).resolves.toMatchObject({ ok: false });
  });

  it.each([
    ['an unknown role', { role: 'root' }],
    ['a sub that is no UUID', { sub: 'admin' }],
    ['a token issued in the future', { iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 }],
  ])('refuses %s', async (_name, claims) => {
    await expect(sut.verify(await signed({ ...validClaims(), ...claims }))).resolves.toEqual({
      ok: false,
      reason: 'BAD_CLAIMS',
    });
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not a token'],
    ['three dots of garbage', 'a.b.c'],
    ['a header of garbage', `${Buffer.from('{').toString('base64url')}.${b64({})}.sig`],
    ['a huge string', 'a'.repeat(100_000)],
    ['not a string', 42 as unknown as string],
  ])('refuses %s without throwing', async (_name, token) => {
    await expect(sut.verify(token)).resolves.toEqual({ ok: false, reason: 'MALFORMED' });
  });
});
