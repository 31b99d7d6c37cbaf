import { linksOf } from './fault-links';

describe(linksOf.name, () => {
  const env = {
    POSTGRES_HOST: 'db.internal',
    POSTGRES_PORT: '5433',
    REDIS_URL: 'rediss://user:pw@[::1]:6380/2?family=6',
    IDENTITY_TCP_PORT: '4001',
    CATALOG_TCP_PORT: '4012',
  };
  const summary = (app: string) =>
    linksOf(app, env).map(({ link, target, through }) => [link, `${target.host}:${target.port}`, through(50_000)]);

  it('gives each app the links it has: what it uses, and the network in front of a service', () => {
    expect(summary('identity')).toEqual([
      ['postgres', 'db.internal:5433', { POSTGRES_HOST: '127.0.0.1', POSTGRES_PORT: '50000' }],
      ['rpc', '127.0.0.1:4001', { IDENTITY_ADVERTISED_ADDRESS: '127.0.0.1:50000' }],
    ]);
    expect(summary('catalog').map(([link]) => link)).toEqual(['postgres', 'redis', 'rpc']);
    // the gateway has no RPC server; Redis' user, password, database and options stay
    expect(summary('gateway')).toEqual([['redis', '::1:6380', { REDIS_URL: 'rediss://user:pw@127.0.0.1:50000/2?family=6' }]]);
    expect(summary('stand-in')).toEqual([]);
  });

  it('gives a service that registers in the Redis registry a Redis link, its entry there being what callers find', () => {
    expect(linksOf('identity', { ...env, SERVICE_REGISTRY: 'redis' }).map((l) => l.link)).toEqual(['postgres', 'redis', 'rpc']);
  });

  it('refuses a link whose target is not set', () => {
    expect(() => linksOf('catalog', { ...env, CATALOG_TCP_PORT: undefined })).toThrow(
      'catalog: CATALOG_TCP_PORT is not set; a fault point needs its target',
    );
  });
});
