import type { DataSource, EntitySubscriberInterface, QueryRunner } from 'typeorm';

/**
 * Tells a relay, in the same process, the moment a transaction that recorded outbox rows commits,
 * so it publishes them at once instead of at its next poll. `Outbox.record` marks the transaction's
 * query runner; a TypeORM subscriber on the data source, installed by the first relay that listens,
 * calls the relays' listeners when a marked runner's outermost transaction commits (a rollback just
 * drops the mark). It costs nothing in the database (no `NOTIFY`, whose commit-time lock serialises
 * the writers); writers in another process are picked up by the relays' polling.
 */
const marked = new WeakSet<QueryRunner>();
const listeners = new WeakMap<DataSource, Set<() => void>>();

/** Marks the transaction of `runner` as having recorded outbox rows. */
export function markOutboxWrite(runner: QueryRunner): void {
  marked.add(runner);
}

/** Calls `listener` after each commit of a transaction that recorded outbox rows on `dataSource`; returns the unsubscribe. */
export function onOutboxCommit(dataSource: DataSource, listener: () => void): () => void {
  let set = listeners.get(dataSource);
  if (!set) {
    const current = new Set<() => void>();
    set = current;
    listeners.set(dataSource, current);
    dataSource.subscribers.push(commitSubscriber(current));
  }
  set.add(listener);
  return () => set.delete(listener);
}

function commitSubscriber(current: Set<() => void>): EntitySubscriberInterface {
  // called for a savepoint's release too: only the outermost commit (no transaction left) counts
  return {
    afterTransactionCommit: ({ queryRunner }) => {
      if (queryRunner.isTransactionActive || !marked.delete(queryRunner)) return;
      for (const listener of current) listener();
    },
    afterTransactionRollback: ({ queryRunner }) => {
      if (!queryRunner.isTransactionActive) marked.delete(queryRunner);
    },
  };
}
