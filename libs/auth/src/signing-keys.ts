import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** An Ed25519 key pair of access tokens; `privateKey` only where tokens are issued. */
export interface SigningKeys {
  privateKey?: KeyObject;
  publicKey: KeyObject;
  /** RFC 7638 JWK thumbprint of the public key: the `kid` of the tokens it verifies. */
  kid: string;
}

/**
 * Loads the access-token keys from PEM text (PKCS#8 private key, SPKI public key).
 * Throws if a key is not Ed25519 or the private key does not belong to the public key.
 */
export function loadSigningKeys(pem: { privateKeyPem?: string; publicKeyPem: string }): SigningKeys {
  const publicKey = assertEd25519(createPublicKey(pem.publicKeyPem), 'public');
  const kid = keyIdOf(publicKey);
  if (pem.privateKeyPem === undefined) return { publicKey, kid };
  const privateKey = assertEd25519(createPrivateKey(pem.privateKeyPem), 'private');
  if (keyIdOf(createPublicKey(privateKey)) !== kid) {
    throw new Error('the access-token private key does not belong to the public key');
  }
  return { privateKey, publicKey, kid };
}

/** The RFC 7638 thumbprint (SHA-256, base64url) of an Ed25519 public key. */
export function keyIdOf(publicKey: KeyObject): string {
  const { x } = publicKey.export({ format: 'jwk' });
  // RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace
  const canonical = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x });
  return createHash('sha256').update(canonical).digest('base64url');
}

function assertEd25519(key: KeyObject, kind: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`the access-token ${kind} key must be Ed25519, not ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}
