import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/** What `clientIp` reads of a request (an Express or Node request has both). */
export interface ClientIpSource {
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string | undefined };
}

/** `::ffff:203.0.113.7` (IPv4 on a dual-stack socket) is `203.0.113.7`; `203.0.113.7:4711` and `[2001:db8::1]:443` lose the port. */
const normalize = (raw: string): string | undefined => {
  const address = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address)?.[1];
  const withoutPort = bracketed ?? (/^[\d.]+:\d+$/.test(address) ? address.slice(0, address.lastIndexOf(':')) : address);
  const unmapped = /^::ffff:/i.test(withoutPort) && isIP(withoutPort.slice(7)) === 4 ? withoutPort.slice(7) : withoutPort;
  return isIP(unmapped) ? unmapped.toLowerCase() : undefined;
};

const forwardedFor = (header: string | string[] | undefined): string[] =>
  (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

/**
 * The address of the client that sent a request, for rate limiting and logs.
 *
 * With `trustedProxyHops = 0` (nothing in front of the gateway) it is the socket's peer and
 * `X-Forwarded-For` is ignored: a client cannot choose its rate-limit bucket. With `n` trusted
 * proxies in front, each appending the address it saw, the n-th entry from the right of
 * `X-Forwarded-For` is the one the outermost trusted proxy wrote; entries further left are whatever
 * the client sent. With fewer entries than hops, the left-most present is used (as Express's
 * `trust proxy = n` does). An entry that is not an IP address falls back to the socket's peer.
 */
export function clientIp(req: ClientIpSource, trustedProxyHops: number): string {
  const socketAddress = normalize(req.socket.remoteAddress ?? '') ?? 'unknown';
  if (trustedProxyHops <= 0) return socketAddress;
  const entries = forwardedFor(req.headers['x-forwarded-for']);
  const chosen = entries[Math.max(0, entries.length - trustedProxyHops)];
  return (chosen && normalize(chosen)) ?? socketAddress;
}
