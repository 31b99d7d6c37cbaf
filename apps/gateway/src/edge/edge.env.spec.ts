import { ConfigError, edgeEnv, loadConfig } from '@shopmesh/config';
import { testEnv } from '@shopmesh/testing';
import { edgeOptionsOf } from './edge.env';

describe('edgeEnv', () => {
  it('reads the development defaults of .env.example', () => {
    const sut = edgeOptionsOf(loadConfig(edgeEnv, testEnv()), 'redis://127.0.0.1:6379');
    expect(sut).toMatchObject({ trustedProxyHops: 0, corsOrigins: [], jsonBodyLimitBytes: 1_048_576 });
    expect(sut.rateLimit.policies.login).toMatchObject({ keyBy: 'ip', onRedisFailure: 'closed' });
    expect(sut.rateLimit.policies.read).toMatchObject({ keyBy: 'user', onRedisFailure: 'open' });
  });

  it('splits CORS_ORIGINS and refuses what is not an origin', () => {
    const config = loadConfig(edgeEnv, testEnv({ CORS_ORIGINS: 'https://shop.example, http://localhost:5173' }));
    expect(edgeOptionsOf(config, 'redis://127.0.0.1:6379').corsOrigins).toEqual([
      'https://shop.example',
      'http://localhost:5173',
    ]);
    expect(() => loadConfig(edgeEnv, testEnv({ CORS_ORIGINS: 'https://shop.example/' }))).toThrow(ConfigError);
    expect(() => loadConfig(edgeEnv, testEnv({ CORS_ORIGINS: '*' }))).toThrow(
      /CORS_ORIGINS: expected a comma-separated list of origins/,
    );
  });
});
