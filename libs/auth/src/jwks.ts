import type { KeyObject } from 'node:crypto';
import { ACCESS_TOKEN_ALGORITHM } from './access-token-claims';
import { keyIdOf } from './signing-keys';

/** One public key as published in a JWK Set. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: typeof ACCESS_TOKEN_ALGORITHM;
  use: 'sig';
}

/** The JWK Set of `/.well-known/jwks.json`: every public key an access token may be verified with. */
export function jwksOf(publicKeys: readonly KeyObject[]): { keys: PublicJwk[] } {
  return {
    keys: publicKeys.map((key) => {
      const { x } = key.export({ format: 'jwk' });
      if (typeof x !== 'string') throw new Error('not an Ed25519 public key');
      return { kty: 'OKP', crv: 'Ed25519', x, kid: keyIdOf(key), alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
    }),
  };
}
