import { Client } from 'pg';
import { createTestDatabase, dropTestDatabase, pgConnectionOf, testEnv } from '@shopmesh/testing';
import { terminateConnections } from './chaos-platform';

/** On the real server: the pg-terminate fault ends one database's connections, and no other. */
describe('terminateConnections (real Postgres)', () => {
  const conn = pgConnectionOf(testEnv());
  const names: string[] = [];
  const clients: Client[] = [];
  const errors = new Map<Client, string>();

  const connect = async (database: string) => {
    const client = new Client({ ...conn, database });
    client.on('error', (error) => errors.set(client, error.message));
    await client.connect();
    clients.push(client);
    return client;
  };

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await Promise.all(names.map((n) => dropTestDatabase(conn, n)));
  });

  it("terminates every connection of the service's database, leaves the others' and its own caller's alone", async () => {
    const [victim, bystander] = await Promise.all([
      createTestDatabase(conn, 'shopmesh_chaos', 'victim'),
      createTestDatabase(conn, 'shopmesh_chaos', 'bystander'),
    ]);
    names.push(victim, bystander);
    const [a, b, other, admin] = await Promise.all([connect(victim), connect(victim), connect(bystander), connect('postgres')]);

    expect(await terminateConnections(conn, victim)).toBe(2);

    await expect(a.query('SELECT 1')).rejects.toThrow();
    await expect(b.query('SELECT 1')).rejects.toThrow();
    expect((await other.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
    expect((await admin.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
    expect(errors.size === 2 && errors.has(a) && errors.has(b)).toBe(true);
    expect(await terminateConnections(conn, victim)).toBe(0);
  });
});
