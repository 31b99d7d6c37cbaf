import type { DataSource, EntitySubscriberInterface, QueryRunner } from 'typeorm';
import { markOutboxWrite, onOutboxCommit } from './outbox-commits';

/** What TypeORM's broadcaster does at a commit or rollback: calls every subscriber of the data source. */
const fakeDataSource = () => ({ subscribers: [] as EntitySubscriberInterface[] });
const runner = (): QueryRunner & { isTransactionActive: boolean } =>
  ({ isTransactionActive: true }) as QueryRunner & { isTransactionActive: boolean };

function commit(ds: ReturnType<typeof fakeDataSource>, r: QueryRunner & { isTransactionActive: boolean }, outermost = true) {
  r.isTransactionActive = !outermost;
  for (const s of ds.subscribers) void s.afterTransactionCommit?.({ queryRunner: r } as never);
}

function rollback(ds: ReturnType<typeof fakeDataSource>, r: QueryRunner & { isTransactionActive: boolean }) {
  r.isTransactionActive = false;
  for (const s of ds.subscribers) void s.afterTransactionRollback?.({ queryRunner: r } as never);
}

describe('outbox commit signal', () => {
  it('calls the listeners once when a transaction that recorded outbox rows commits, not for others', () => {
    const ds = fakeDataSource();
    const calls: string[] = [];
    onOutboxCommit(ds as unknown as DataSource, () => calls.push('a'));
    onOutboxCommit(ds as unknown as DataSource, () => calls.push('b'));
    expect(ds.subscribers).toHaveLength(1); // one subscriber per data source, however many relays

    const plain = runner();
    commit(ds, plain);
    expect(calls).toEqual([]);

    const writer = runner();
    markOutboxWrite(writer);
    commit(ds, writer);
    expect(calls).toEqual(['a', 'b']);
    writer.isTransactionActive = true; // the same runner, a later transaction that records nothing
    commit(ds, writer);
    expect(calls).toEqual(['a', 'b']);
  });

  it('waits for the outermost commit (a released savepoint is not one), and forgets a rolled-back transaction', () => {
    const ds = fakeDataSource();
    let calls = 0;
    const unsubscribe = onOutboxCommit(ds as unknown as DataSource, () => (calls += 1));

    const nested = runner();
    markOutboxWrite(nested);
    commit(ds, nested, false);
    expect(calls).toBe(0);
    commit(ds, nested);
    expect(calls).toBe(1);

    const failed = runner();
    markOutboxWrite(failed);
    rollback(ds, failed);
    failed.isTransactionActive = true;
    commit(ds, failed);
    expect(calls).toBe(1);

    unsubscribe();
    const late = runner();
    markOutboxWrite(late);
    commit(ds, late);
    expect(calls).toBe(1);
  });
});
