import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { generateDevKeyPair } from './dev-key-pair';
import { jwksOf } from './jwks';
import { loadSigningKeys } from './signing-keys';

const pemPair = (type: 'ed25519' | 'ed448' = 'ed25519') => {
  const pair = generateKeyPairSync(type as 'ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
};

describe('signing keys', () => {
  it('loads an Ed25519 pair; kid is the RFC 7638 thumbprint', async () => {
    const sut = loadSigningKeys(pemPair());
    expect(sut.privateKey).toBeDefined();
    expect(sut.kid).toBe(await calculateJwkThumbprint(sut.publicKey.export({ format: 'jwk' }) as never));
  });

  it('loads a public key alone (verifiers)', () => {
    expect(loadSigningKeys({ publicKeyPem: pemPair().publicKeyPem }).privateKey).toBeUndefined();
  });

  it('refuses a private key of another pair, and keys that are not Ed25519', () => {
    expect(() => loadSigningKeys({ privateKeyPem: pemPair().privateKeyPem, publicKeyPem: pemPair().publicKeyPem })).toThrow(
      /does not belong/,
    );
    expect(() => loadSigningKeys(pemPair('ed448'))).toThrow(/must be Ed25519/);
    expect(() => loadSigningKeys({ publicKeyPem: 'not a pem' })).toThrow();
  });

  it('publishes the public keys as a JWK Set, without private parts', () => {
    const keys = loadSigningKeys(pemPair());
    const jwks = jwksOf([keys.publicKey]);
    expect(jwks).toEqual({
      keys: [{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: keys.kid, alg: 'EdDSA', use: 'sig' }],
    });
    expect(JSON.stringify(jwks)).not.toContain('"d"');
  });
});

describe(generateDevKeyPair.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'shopmesh-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a usable pair once, private key readable by the owner only, and keeps it afterwards', () => {
    const first = generateDevKeyPair(join(dir, 'keys'));
    const pem = {
      privateKeyPem: readFileSync(first.privateKeyPath, 'utf8'),
      publicKeyPem: readFileSync(first.publicKeyPath, 'utf8'),
    };
    expect(first.created).toBe(true);
    expect(pem.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(pem.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    expect(statSync(first.privateKeyPath).mode & 0o077).toBe(0);
    expect(() => loadSigningKeys(pem)).not.toThrow();

    expect(generateDevKeyPair(join(dir, 'keys')).created).toBe(false);
    expect(readFileSync(first.privateKeyPath, 'utf8')).toBe(pem.privateKeyPem);
  });

  it('derives a missing public key from the existing private key', () => {
    const first = generateDevKeyPair(dir);
    const publicKeyPem = readFileSync(first.publicKeyPath, 'utf8');
    unlinkSync(first.publicKeyPath);
    expect(generateDevKeyPair(dir).created).toBe(true);
    expect(readFileSync(first.publicKeyPath, 'utf8')).toBe(publicKeyPem);
  });
});
