import { createHash, randomBytes } from 'node:crypto';

/** A new refresh token: 32 random bytes, base64url (43 characters). Only its hash is stored. */
export const newRefreshToken = (): string => randomBytes(32).toString('base64url');

/** The stored form of a refresh token: SHA-256, hex. */
export const hashRefreshToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** True if `token` could be one of ours; anything else is refused without a query. */
export const isRefreshTokenShaped = (token: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(token);
