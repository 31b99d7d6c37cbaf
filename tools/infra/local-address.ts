import { networkInterfaces } from 'node:os';

/**
 * True if `host` names this machine (loopback, the wildcard, or one of its interface addresses):
 * only then may the launcher start a server for it.
 */
export function isLocalHost(host: string): boolean {
  if (['localhost', '127.0.0.1', '::1', '0.0.0.0', '::'].includes(host) || host.startsWith('127.')) return true;
  return Object.values(networkInterfaces()).some((addresses) => addresses?.some((a) => a.address === host) ?? false);
}
