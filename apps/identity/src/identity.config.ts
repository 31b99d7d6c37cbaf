import { readFileSync } from 'node:fs';
import { loadSigningKeys, type SigningKeys } from '@shopmesh/auth';
import { ConfigError, loadServiceConfig } from '@shopmesh/config';

/** Identity's config: its declaration in `SERVICES` (`@shopmesh/config`) read from the environment. */
export const loadIdentityConfig = (source?: Record<string, string | undefined>) => loadServiceConfig('identity', source);

export type IdentityConfig = ReturnType<typeof loadIdentityConfig>;

/** Reads a PEM file named by a variable; one line naming the variable if it cannot. */
export function readPemFile(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(
      `Invalid configuration: ${variable}: cannot read ${path} (${code}); npm run up generates development keys`,
    );
  }
}

/** The signing key pair of access tokens, from the files the config names. */
export function signingKeysOf(config: IdentityConfig): SigningKeys {
  try {
    return loadSigningKeys({
      privateKeyPem: readPemFile('JWT_PRIVATE_KEY_FILE', config.app.JWT_PRIVATE_KEY_FILE),
      publicKeyPem: readPemFile('JWT_PUBLIC_KEY_FILE', config.app.JWT_PUBLIC_KEY_FILE),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`Invalid configuration: JWT_PRIVATE_KEY_FILE/JWT_PUBLIC_KEY_FILE: ${(error as Error).message}`);
  }
}
