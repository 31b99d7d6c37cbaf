import { readEnvFile } from '@shopmesh/config';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../infra/infra-config';
import { parseScale, platformPlan } from './plan';

const env = readEnvFile(resolve(REPO_ROOT, '.env.example'));

describe('platformPlan (what npm run up runs)', () => {
  it("puts services on .env's ports, instance n 10 × (n - 1) above, the gateways beside the balancer, every surge 20000 above", () => {
    const { instances, balancer } = platformPlan(env, new Map([['catalog', 2]]));
    const of = (id: string) => instances.find((i) => i.id === id);
    expect(balancer).toEqual({
      app: 'gateway',
      host: '0.0.0.0',
      port: 3000,
      smokePaths: ['/health/ready', '/v1/products?limit=1'],
    });
    expect(instances.filter((i) => i.app === 'gateway').map((i) => [i.id, i.httpPort, i.surge?.httpPort])).toEqual([
      ['gateway', '3010', '23010'],
      ['gateway-2', '3020', '23020'],
    ]);
    expect(of('catalog')).toMatchObject({ httpPort: '9102', env: { SERVICE_REGISTRY: 'redis', CATALOG_DISCOVERY: 'redis' } });
    expect(of('catalog')?.env).not.toHaveProperty('CATALOG_TCP_PORT');
    expect(of('catalog-2')?.env).toMatchObject({ CATALOG_TCP_PORT: '4012', CATALOG_ADVERTISED_ADDRESS: '127.0.0.1:4012' });
    expect(of('catalog-2')?.surge?.env).toMatchObject({
      CATALOG_OPS_PORT: '29112',
      CATALOG_TCP_PORT: '24012',
      CATALOG_ADVERTISED_ADDRESS: '127.0.0.1:24012',
    });
    // each instance starts after the services it calls
    expect(of('orders')?.after).toEqual(['catalog', 'cart']);
  });

  it('moves a surge below a port that would pass 65535 (the high free ports of a test platform)', () => {
    const { instances } = platformPlan({ ...env, CART_OPS_PORT: '50000', CART_TCP_PORT: '60000' });
    expect(instances.find((i) => i.id === 'cart')?.surge).toMatchObject({
      httpPort: '30000',
      env: { CART_OPS_PORT: '30000', CART_TCP_PORT: '40000' },
    });
  });

  it("gives a release's two sets registry namespaces of their own (the new set's callers find only the new set)", () => {
    expect(platformPlan(env).releaseSets).toEqual({
      blue: { REGISTRY_NAMESPACE: 'shopmesh' },
      green: { REGISTRY_NAMESPACE: 'shopmesh-green' },
    });
    expect(platformPlan({ ...env, REGISTRY_NAMESPACE: 'ci-7' }).releaseSets.green).toEqual({ REGISTRY_NAMESPACE: 'ci-7-green' });
  });
});

describe(parseScale.name, () => {
  it('reads --scale lists, repeated flags and the = form', () => {
    expect([...parseScale(['--scale', 'orders=2,inventory=2'])]).toEqual([
      ['orders', 2],
      ['inventory', 2],
    ]);
    expect([...parseScale(['--scale', 'catalog=2', '--no-fault-points', '--scale=gateway=3'])]).toEqual([
      ['catalog', 2],
      ['gateway', 3],
    ]);
    expect(parseScale(['--no-fault-points']).size).toBe(0);
  });

  it('refuses an app that cannot scale, a count out of 1-99, a malformed part', () => {
    for (const bad of ['nope=2', 'orders=0', 'orders=100', 'orders', 'orders=2,', 'orders=2,,cart=1'])
      expect(() => parseScale(['--scale', bad])).toThrow(/expected <app>=<1-99>/);
  });
});
