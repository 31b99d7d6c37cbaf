import { RoleSchema } from '@shopmesh/contracts';
import { z } from 'zod';

/**
 * The claims of a ShopMesh access token (a JWT, RFC 9068 profile). Every claim is required:
 * `sub` the user id, `sid` the session (refresh-token family) the token was issued for,
 * `jti` a unique id, `exp`/`iat` in seconds since the epoch.
 */
export const AccessTokenClaimsSchema = z.object({
  sub: z.uuid(),
  role: RoleSchema,
  sid: z.uuid(),
  jti: z.uuid(),
  iss: z.string().min(1),
  aud: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  exp: z.number().int(),
  iat: z.number().int(),
});

export type AccessTokenClaims = z.infer<typeof AccessTokenClaimsSchema>;

/** Where access tokens come from and whom they are for; issuer and verifier must agree. */
export interface AccessTokenAudience {
  issuer: string;
  audience: string;
}

/** The JWT `typ` header of access tokens (RFC 9068): keeps other JWTs signed by the same key out. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** The one signature algorithm of access tokens: Ed25519. */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';
