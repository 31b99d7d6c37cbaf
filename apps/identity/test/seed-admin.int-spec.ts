import { startIdentity, type IdentityUnderTest } from './identity-harness';

describe('identity admin seed (real Postgres)', () => {
  let sut: IdentityUnderTest;
  beforeAll(async () => (sut = await startIdentity('seed_admin')));
  afterAll(() => sut?.close());

  const admins = () => sut.dataSource.query(`SELECT email, role FROM users WHERE role = 'admin'`);
  const roleInToken = async (email: string, password: string) => {
    const login = await sut.login.login({ email, password });
    if (!login.ok) return undefined;
    const check = await sut.verifier.verify(login.tokens.accessToken);
    return check.ok ? check.claims.role : undefined;
  };

  it('creates the admin once; seeding again changes nothing, also when instances start together', async () => {
    const admin = { email: ' Admin@ShopMesh.test ', password: 'admin password 1' };
    await expect(sut.seedAdmin.seed(admin)).resolves.toBe('created');
    await expect(sut.seedAdmin.seed(admin)).resolves.toBe('unchanged');
    await expect(Promise.all([sut.seedAdmin.seed(admin), sut.seedAdmin.seed(admin)])).resolves.toEqual([
      'unchanged',
      'unchanged',
    ]);
    await expect(admins()).resolves.toEqual([{ email: 'admin@shopmesh.test', role: 'admin' }]);
    await expect(roleInToken('admin@shopmesh.test', admin.password)).resolves.toBe('admin');
  });

  it('takes a new password, and ends the sessions opened with the old one', async () => {
    const before = await sut.login.login({ email: 'admin@shopmesh.test', password: 'admin password 1' });
    if (!before.ok) throw new Error('admin login failed');
    await expect(sut.seedAdmin.seed({ email: 'admin@shopmesh.test', password: 'admin password 2' })).resolves.toBe('updated');
    await expect(sut.refresh.refresh(before.tokens.refreshToken)).resolves.toMatchObject({ ok: false });
    await expect(roleInToken('admin@shopmesh.test', 'admin password 1')).resolves.toBeUndefined();
    await expect(roleInToken('admin@shopmesh.test', 'admin password 2')).resolves.toBe('admin');
  });

  it('promotes a customer who registered the admin email first, locking them out of it', async () => {
    await sut.register.register({ email: 'boss@shopmesh.test', password: 'squatter password', name: 'Squatter' });
    const squatter = await sut.login.login({ email: 'boss@shopmesh.test', password: 'squatter password' });
    if (!squatter.ok) throw new Error('squatter login failed');
    await expect(sut.seedAdmin.seed({ email: 'boss@shopmesh.test', password: 'the real admin' })).resolves.toBe('updated');
    await expect(sut.refresh.refresh(squatter.tokens.refreshToken)).resolves.toMatchObject({ ok: false });
    await expect(roleInToken('boss@shopmesh.test', 'squatter password')).resolves.toBeUndefined();
    await expect(roleInToken('boss@shopmesh.test', 'the real admin')).resolves.toBe('admin');
  });

  it('refuses an admin password that is too short', async () => {
    await expect(sut.seedAdmin.seed({ email: 'admin@shopmesh.test', password: 'short' })).rejects.toThrow(/at least 8/);
  });
});
