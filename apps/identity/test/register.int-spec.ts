import type { EntityManager } from 'typeorm';
import { Outbox, type Envelope, type NewMessage } from '@shopmesh/messaging';
import { startIdentity, type IdentityUnderTest } from './identity-harness';

describe('identity register (real Postgres)', () => {
  let sut: IdentityUnderTest;
  beforeAll(async () => (sut = await startIdentity('register')));
  afterAll(() => sut?.close());

  const ada = { email: 'Ada@Example.com', password: 'correct horse battery', name: 'Ada Lovelace' };

  it('registers a customer with a normalized email and answers the user, never the hash', async () => {
    const result = await sut.register.register(ada);
    expect(result).toEqual({
      ok: true,
      user: {
        id: expect.any(String),
        email: 'ada@example.com',
        name: 'Ada Lovelace',
        role: 'customer',
        createdAt: expect.any(String),
      },
    });
    const [row] = await sut.dataSource.query(`SELECT email, role, password_hash FROM users WHERE email = 'ada@example.com'`);
    expect(row.role).toBe('customer');
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(ada.password);
  });

  it.each(['ada@example.com', 'ADA@EXAMPLE.COM', '  Ada@example.com\t'])('refuses %j again: EMAIL_TAKEN', async (email) => {
    await expect(sut.register.register({ ...ada, email })).resolves.toEqual({ ok: false, reason: 'EMAIL_TAKEN' });
  });

  it('writes UserRegistered to the outbox with the user', async () => {
    const result = await sut.register.register({ ...ada, email: 'grace@example.com', name: 'Grace Hopper' });
    if (!result.ok) throw new Error('registration failed');
    const rows = await sut.dataSource.query(`SELECT topic, message_key, envelope FROM outbox WHERE message_key = $1`, [
      result.user.id,
    ]);
    expect(rows).toEqual([
      {
        topic: 'identity.events',
        message_key: result.user.id,
        envelope: expect.objectContaining({
          type: 'UserRegistered',
          version: 1,
          aggregateId: result.user.id,
          payload: { userId: result.user.id, email: 'grace@example.com', name: 'Grace Hopper' },
        }),
      },
    ]);
  });

  it('of concurrent registrations of one email, exactly one succeeds', async () => {
    const results = await Promise.all(
      ['Twin@example.com', 'twin@example.com ', 'TWIN@example.com'].map((email) => sut.register.register({ ...ada, email })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([
      { ok: false, reason: 'EMAIL_TAKEN' },
      { ok: false, reason: 'EMAIL_TAKEN' },
    ]);
  });
});

describe('identity register when the outbox fails (real Postgres)', () => {
  class BrokenOutbox extends Outbox {
    override async record(manager: EntityManager, messages: readonly NewMessage[]): Promise<Envelope[]> {
      await super.record(manager, messages);
      throw new Error('outbox broke after its insert');
    }
  }
  let sut: IdentityUnderTest;
  beforeAll(async () => (sut = await startIdentity('register_atomic', { outbox: new BrokenOutbox(false) })));
  afterAll(() => sut?.close());

  it('keeps neither the user nor the event: one transaction', async () => {
    await expect(sut.register.register({ email: 'ada@example.com', password: 'correct horse', name: 'Ada' })).rejects.toThrow(
      'outbox broke',
    );
    await expect(sut.dataSource.query(`SELECT count(*)::int AS n FROM users`)).resolves.toEqual([{ n: 0 }]);
    await expect(sut.dataSource.query(`SELECT count(*)::int AS n FROM outbox`)).resolves.toEqual([{ n: 0 }]);
  });
});
