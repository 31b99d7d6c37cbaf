import { isIP } from 'node:net';
import { clientIp, type ClientIpSource } from '../client-ip';
import type { RateLimitPolicy } from './rate-limit-policy';

/** A request as the rate limiter sees it: its client address, and the user an auth guard may have set. */
export type RateLimitedRequest = ClientIpSource & { user?: { id?: unknown } };

const hextets = (part: string): string[] => (part ? part.split(':') : []);

/**
 * An IPv6 client usually holds a whole /64 and can rotate addresses within it at will, so IPv6
 * callers are counted by their /64; IPv4 callers by their address.
 */
export function ipBucket(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail] = ip.split('::');
  const right = hextets(tail ?? '');
  const rightWidth = right.length + (right.at(-1)?.includes('.') ? 1 : 0); // a dotted IPv4 tail is two hextets
  const groups =
    tail === undefined ? hextets(head) : [...hextets(head), ...Array<string>(8 - hextets(head).length - rightWidth).fill('0')];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/** Who a request is counted as under a policy: `user:<id>` or `ip:<address or /64>`. */
export function rateLimitSubject(req: RateLimitedRequest, policy: RateLimitPolicy, trustedProxyHops: number): string {
  const userId = policy.keyBy === 'user' ? req.user?.id : undefined;
  if (typeof userId === 'string' || typeof userId === 'number') return `user:${userId}`;
  return `ip:${ipBucket(clientIp(req, trustedProxyHops))}`;
}
