import { hashRefreshToken, isRefreshTokenShaped, newRefreshToken } from './opaque-refresh-token';

describe('opaque refresh tokens', () => {
  it('are 256 random bits, base64url, never repeated', () => {
    const tokens = Array.from({ length: 100 }, newRefreshToken);
    expect(new Set(tokens).size).toBe(100);
    expect(tokens.every(isRefreshTokenShaped)).toBe(true);
    expect(Buffer.from(tokens[0] ?? '', 'base64url')).toHaveLength(32);
  });

  it('are stored as their SHA-256 in hex', () => {
    expect(hashRefreshToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it.each(['', 'short', `${newRefreshToken()}x`, `${newRefreshToken().slice(1)}=`, 'a'.repeat(42) + '/'])(
    'rejects the shape of %j',
    (token) => expect(isRefreshTokenShaped(token)).toBe(false),
  );
});
