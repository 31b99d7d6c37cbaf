import { ConfigError, loadConfig } from './load-config';
import { env } from './env';

describe(loadConfig.name, () => {
  const shape = {
    PORT: env.port(),
    ENABLED: env.bool(),
    BROKERS: env.hostPorts(),
    REDIS_URL: env.url(['redis']),
    MODE: env.oneOf(['a', 'b']),
  };
  const valid = { PORT: '4002', ENABLED: 'false', BROKERS: '127.0.0.1:9092, k2:9093', REDIS_URL: 'redis://x:6379', MODE: 'b' };

  it('converts every variable into its type', () => {
    const sut = loadConfig(shape, valid);
    expect(sut).toEqual({
      PORT: 4002,
      ENABLED: false,
      BROKERS: ['127.0.0.1:9092', 'k2:9093'],
      REDIS_URL: 'redis://x:6379',
      MODE: 'b',
    });
    expect(Object.isFrozen(sut)).toBe(true);
  });

  it('never reads "false" as true', () => {
    expect(loadConfig(shape, { ...valid, ENABLED: 'false' }).ENABLED).toBe(false);
    expect(loadConfig(shape, { ...valid, ENABLED: 'TRUE' }).ENABLED).toBe(true);
  });

  it('names a missing variable and what was expected, in one line', () => {
    const { PORT: _omit, ...rest } = valid;
    const error = captureError(() => loadConfig(shape, rest));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe('Invalid configuration: PORT: expected a TCP port (1-65535), it is not set');
    expect(error.message).not.toContain('\n');
  });

  it.each([
    ['PORT', 'abc', 'expected a TCP port (1-65535), got "abc"'],
    ['PORT', '70000', 'expected a TCP port (1-65535), got "70000"'],
    ['ENABLED', 'maybe', 'expected true or false, got "maybe"'],
    ['BROKERS', 'nohost', 'expected a comma-separated list of host:port, got "nohost"'],
    ['REDIS_URL', 'http://x', 'expected a URL (redis://...), got "http://x"'],
    ['MODE', 'c', 'expected one of a, b, got "c"'],
  ])('rejects a malformed %s=%s', (name, value, message) => {
    const error = captureError(() => loadConfig(shape, { ...valid, [name]: value }));
    expect(error.message).toBe(`Invalid configuration: ${name}: ${message}`);
  });

  it('reports every bad variable at once', () => {
    const error = captureError(() => loadConfig(shape, { ...valid, PORT: 'x', MODE: 'z' }));
    expect(error.message).toMatch(/^Invalid configuration: PORT: .*; MODE: .*/);
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
