export {
  AccessTokenClaimsSchema,
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  type AccessTokenAudience,
} from './access-token-claims';
export {
  AccessTokenIssuer,
  DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  type AccessTokenIssuerOptions,
  type AccessTokenSubject,
} from './access-token-issuer';
export {
  AccessTokenVerifier,
  type AccessTokenCheck,
  type AccessTokenRefusal,
  type AccessTokenVerifierOptions,
} from './access-token-verifier';
export { jwksOf, type PublicJwk } from './jwks';
export { loadSigningKeys, keyIdOf, type SigningKeys } from './signing-keys';
export { generateDevKeyPair, DEV_PRIVATE_KEY_FILE, DEV_PUBLIC_KEY_FILE } from './dev-key-pair';
export { loadSigningKeyFiles } from './key-files';
