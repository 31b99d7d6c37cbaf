import { readFileSync } from 'node:fs';
import { ConfigError } from './load-config';

/** Certificates for mutual TLS between services (PEM contents). */
export interface RpcTls {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
}

interface RpcTlsConfig {
  RPC_TLS: boolean;
  RPC_TLS_CERT?: string;
  RPC_TLS_KEY?: string;
  RPC_TLS_CA?: string;
}

/**
 * Reads the certificate, key and CA files when `RPC_TLS=true`; undefined when off.
 * @throws ConfigError naming the variable whose file is missing or unreadable.
 */
export function loadRpcTls(config: RpcTlsConfig): RpcTls | undefined {
  if (!config.RPC_TLS) return undefined;
  const read = (name: 'RPC_TLS_CERT' | 'RPC_TLS_KEY' | 'RPC_TLS_CA'): Buffer => {
    const path = config[name];
    if (!path)
      throw new ConfigError(`Invalid configuration: ${name}: expected the path of a PEM file when RPC_TLS=true, it is not set`);
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ConfigError(
        `Invalid configuration: ${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  };
  return { cert: read('RPC_TLS_CERT'), key: read('RPC_TLS_KEY'), ca: read('RPC_TLS_CA') };
}
