import { clientIp, type ClientIpSource } from './client-ip';

const request = (remoteAddress: string, xff?: string | string[]): ClientIpSource => ({
  socket: { remoteAddress },
  headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
});

describe(clientIp.name, () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientIp(request('198.51.100.9', '203.0.113.1'), 0)).toBe('198.51.100.9');
    expect(clientIp(request('198.51.100.9'), 0)).toBe('198.51.100.9');
  });

  it('takes the n-th entry from the right with n trusted hops', () => {
    const req = request('10.0.0.2', 'spoofed, 203.0.113.7, 10.0.0.1');
    expect(clientIp(req, 1)).toBe('10.0.0.1');
    expect(clientIp(req, 2)).toBe('203.0.113.7');
  });

  it('ignores what a client prepends: only the entry the trusted proxy appended counts', () => {
    expect(clientIp(request('10.0.0.2', '1.1.1.1, 2.2.2.2, 203.0.113.7'), 1)).toBe('203.0.113.7');
  });

  it('takes the left-most entry when there are fewer entries than hops', () => {
    expect(clientIp(request('10.0.0.2', '203.0.113.7'), 3)).toBe('203.0.113.7');
  });

  it('reads repeated X-Forwarded-For headers as one list', () => {
    expect(clientIp(request('10.0.0.2', ['203.0.113.7', '10.0.0.1']), 2)).toBe('203.0.113.7');
  });

  it('falls back to the socket peer without X-Forwarded-For, or when the chosen entry is not an address', () => {
    expect(clientIp(request('10.0.0.2'), 1)).toBe('10.0.0.2');
    expect(clientIp(request('10.0.0.2', 'unknown'), 1)).toBe('10.0.0.2');
  });

  it('unmaps IPv4-mapped IPv6 and drops ports', () => {
    expect(clientIp(request('::ffff:198.51.100.9'), 0)).toBe('198.51.100.9');
    expect(clientIp(request('10.0.0.2', '203.0.113.7:4711'), 1)).toBe('203.0.113.7');
    expect(clientIp(request('10.0.0.2', '[2001:DB8::1]:443'), 1)).toBe('2001:db8::1');
  });
});
