import { readFileSync } from 'node:fs';
import { ConfigError } from '@shopmesh/config';
import { loadSigningKeys, type SigningKeys } from './signing-keys';

function readPem(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(
      `Invalid configuration: ${variable}: cannot read ${path} (${code}); npm run up generates development keys`,
    );
  }
}

/**
 * The access-token keys from the PEM files the config names (`JWT_PUBLIC_KEY_FILE`, and
 * `JWT_PRIVATE_KEY_FILE` where tokens are signed). A missing file or a wrong key is a
 * {@link ConfigError} naming the variable, so the app stops with one line.
 */
export function loadSigningKeyFiles(files: { privateKeyFile?: string; publicKeyFile: string }): SigningKeys {
  const publicKeyPem = readPem('JWT_PUBLIC_KEY_FILE', files.publicKeyFile);
  const privateKeyPem = files.privateKeyFile === undefined ? undefined : readPem('JWT_PRIVATE_KEY_FILE', files.privateKeyFile);
  try {
    return loadSigningKeys({ privateKeyPem, publicKeyPem });
  } catch (error) {
    throw new ConfigError(`Invalid configuration: JWT_PRIVATE_KEY_FILE/JWT_PUBLIC_KEY_FILE: ${(error as Error).message}`);
  }
}
