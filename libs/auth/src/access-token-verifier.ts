import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify, type JWTHeaderParameters } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYPE,
  AccessTokenClaimsSchema,
  type AccessTokenAudience,
  type AccessTokenClaims,
} from './access-token-claims';
import { keyIdOf } from './signing-keys';

/** Why a token was refused. */
export type AccessTokenRefusal = 'MALFORMED' | 'EXPIRED' | 'BAD_SIGNATURE' | 'BAD_CLAIMS';

export type AccessTokenCheck = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: AccessTokenRefusal };

export interface AccessTokenVerifierOptions extends AccessTokenAudience {
  /** Seconds of clock skew tolerated on `exp`/`iat`; 5 unless set. */
  clockToleranceSeconds?: number;
  /** The clock, in milliseconds since the epoch (tests). */
  now?: () => number;
}

/** Longer than any token we issue: refused before any parsing. */
const MAX_TOKEN_LENGTH = 4096;

/**
 * Verifies access tokens against the published public keys (several during a key rotation,
 * chosen by `kid`). The algorithm is pinned to EdDSA, so `alg: none` and HMAC tokens "signed"
 * with the public key are refused. Never throws for a bad token: the answer says why.
 */
export class AccessTokenVerifier {
  private readonly keysById: ReadonlyMap<string, KeyObject>;
  private readonly toleranceSeconds: number;

  constructor(
    publicKeys: readonly KeyObject[],
    private readonly options: AccessTokenVerifierOptions,
  ) {
    if (publicKeys.length === 0) throw new Error('AccessTokenVerifier needs at least one public key');
    this.keysById = new Map(publicKeys.map((key) => [keyIdOf(key), key]));
    this.toleranceSeconds = options.clockToleranceSeconds ?? 5;
  }

  async verify(token: string): Promise<AccessTokenCheck> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      return { ok: false, reason: 'MALFORMED' };
    }
    const nowMs = this.options.now?.() ?? Date.now();
    try {
      const { payload } = await jwtVerify(token, (header) => this.keyFor(header), {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'sid'],
        clockTolerance: this.toleranceSeconds,
        currentDate: new Date(nowMs),
      });
      const claims = AccessTokenClaimsSchema.safeParse(payload);
      // jose accepts an `iat` in the future; a token from the future was not issued by a sane clock
      if (!claims.success || claims.data.iat > nowMs / 1000 + this.toleranceSeconds) return { ok: false, reason: 'BAD_CLAIMS' };
      return { ok: true, claims: claims.data };
    } catch (error) {
      return { ok: false, reason: refusalOf(error) };
    }
  }

  private keyFor(header: JWTHeaderParameters): KeyObject {
    const key = header.kid === undefined ? undefined : this.keysById.get(header.kid);
    if (!key) throw new errors.JWKSNoMatchingKey();
    return key;
  }
}

function refusalOf(error: unknown): AccessTokenRefusal {
  if (error instanceof errors.JWTExpired) return 'EXPIRED';
  if (error instanceof errors.JWTClaimValidationFailed) return 'BAD_CLAIMS';
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JOSEAlgNotAllowed
  ) {
    return 'BAD_SIGNATURE';
  }
  return 'MALFORMED';
}
