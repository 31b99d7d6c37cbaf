import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEV_PRIVATE_KEY_FILE = 'jwt-private.pem';
export const DEV_PUBLIC_KEY_FILE = 'jwt-public.pem';

/**
 * Makes sure `dir` holds a development Ed25519 key pair (`jwt-private.pem` PKCS#8, `jwt-public.pem` SPKI):
 * keeps existing keys, derives a missing public key from the private key, generates both otherwise.
 * For development only (keys live outside git); production keys come from a secret store.
 */
export function generateDevKeyPair(dir: string): { privateKeyPath: string; publicKeyPath: string; created: boolean } {
  const privateKeyPath = join(dir, DEV_PRIVATE_KEY_FILE);
  const publicKeyPath = join(dir, DEV_PUBLIC_KEY_FILE);
  mkdirSync(dir, { recursive: true });
  let created = false;
  if (!existsSync(privateKeyPath)) {
    const pair = generateKeyPairSync('ed25519', {
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    writeFileSync(privateKeyPath, pair.privateKey, { mode: 0o600, flag: 'wx' });
    writeFileSync(publicKeyPath, pair.publicKey, { mode: 0o644 });
    created = true;
  } else if (!existsSync(publicKeyPath)) {
    const publicKey = createPublicKey(createPrivateKey(readFileSync(privateKeyPath, 'utf8')));
    writeFileSync(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
    created = true;
  }
  return { privateKeyPath, publicKeyPath, created };
}
