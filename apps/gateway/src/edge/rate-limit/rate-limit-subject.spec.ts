import type { RateLimitPolicy } from './rate-limit-policy';
import { ipBucket, rateLimitSubject, type RateLimitedRequest } from './rate-limit-subject';

const policy = (keyBy: RateLimitPolicy['keyBy']): RateLimitPolicy => ({
  limit: 1,
  windowMs: 1000,
  keyBy,
  onRedisFailure: 'open',
  counting: 'exact',
});
const request = (user?: { id?: unknown }): RateLimitedRequest => ({
  socket: { remoteAddress: '198.51.100.9' },
  headers: { 'x-forwarded-for': '203.0.113.7' },
  ...(user ? { user } : {}),
});

describe(rateLimitSubject.name, () => {
  it('counts an authenticated user by id under a per-user policy', () => {
    expect(rateLimitSubject(request({ id: 'u-1' }), policy('user'), 0)).toBe('user:u-1');
  });

  it('counts anonymous callers, and everyone under a per-IP policy, by client IP', () => {
    expect(rateLimitSubject(request(), policy('user'), 0)).toBe('ip:198.51.100.9');
    expect(rateLimitSubject(request({ id: 'u-1' }), policy('ip'), 0)).toBe('ip:198.51.100.9');
    expect(rateLimitSubject(request(), policy('ip'), 1)).toBe('ip:203.0.113.7');
  });
});

describe(ipBucket.name, () => {
  it('keeps IPv4 addresses and reduces IPv6 ones to their /64', () => {
    expect(ipBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(ipBucket('2001:db8:0:1:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:0:1::/64');
    expect(ipBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipBucket('2001:db8:0:1::')).toBe('2001:db8:0:1::/64');
    expect(ipBucket('::1')).toBe('0:0:0:0::/64');
    expect(ipBucket('2001:db8:1:2::1.2.3.4')).toBe('2001:db8:1:2::/64');
  });
});
