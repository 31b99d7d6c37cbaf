import { loadSigningKeyFiles, type SigningKeys } from '@shopmesh/auth';
import { loadServiceConfig } from '@shopmesh/config';

/** Identity's config: its declaration in `SERVICES` (`@shopmesh/config`) read from the environment. */
export const loadIdentityConfig = (source?: Record<string, string | undefined>) => loadServiceConfig('identity', source);

export type IdentityConfig = ReturnType<typeof loadIdentityConfig>;

/** The signing key pair of access tokens, from the files the config names. */
export const signingKeysOf = (config: IdentityConfig): SigningKeys =>
  loadSigningKeyFiles({ privateKeyFile: config.app.JWT_PRIVATE_KEY_FILE, publicKeyFile: config.app.JWT_PUBLIC_KEY_FILE });
