import { randomUUID, type KeyObject } from 'node:crypto';
import type { Role } from '@shopmesh/contracts';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, type AccessTokenAudience } from './access-token-claims';
import type { SigningKeys } from './signing-keys';

export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 900;

export interface AccessTokenIssuerOptions extends AccessTokenAudience {
  /** Lifetime of a token; 900 s (15 min) unless set. */
  ttlSeconds?: number;
  /** The clock, in milliseconds since the epoch (tests). */
  now?: () => number;
}

/** Who a token is for: the user, their role and the session (refresh-token family) it belongs to. */
export interface AccessTokenSubject {
  userId: string;
  role: Role;
  sessionId: string;
}

/** Signs short-lived access tokens (EdDSA/Ed25519, `kid` = thumbprint of the public key). */
export class AccessTokenIssuer {
  private readonly privateKey: KeyObject;
  private readonly ttlSeconds: number;

  constructor(
    private readonly keys: SigningKeys,
    private readonly options: AccessTokenIssuerOptions,
  ) {
    if (!keys.privateKey) throw new Error('AccessTokenIssuer needs the private key');
    this.privateKey = keys.privateKey;
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds <= 0) throw new Error('ttlSeconds must be a positive integer');
  }

  /** A new signed token; `expiresIn` is its lifetime in seconds. */
  async issue(subject: AccessTokenSubject): Promise<{ token: string; expiresIn: number }> {
    const issuedAt = Math.floor((this.options.now?.() ?? Date.now()) / 1000);
    const token = await new SignJWT({ role: subject.role, sid: subject.sessionId })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: this.keys.kid })
      .setSubject(subject.userId)
      .setJti(randomUUID())
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(this.privateKey);
    return { token, expiresIn: this.ttlSeconds };
  }
}
