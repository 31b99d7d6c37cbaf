import type { EntityManager } from 'typeorm';
import type { NewMessage } from './envelope';
import { Outbox } from './outbox';

/**
 * What a consumer's handler may do inside the transaction that also records the message as
 * processed: run SQL on the service's database and record messages to publish (through the
 * outbox), all committed together or not at all.
 */
export interface ConsumerTransaction {
  query<T = unknown>(sql: string, parameters?: readonly unknown[]): Promise<T[]>;
  publish(messages: readonly NewMessage[]): Promise<void>;
}

/** The {@link ConsumerTransaction} of a TypeORM transaction. */
export function consumerTransactionOf(manager: EntityManager, outbox: Outbox): ConsumerTransaction {
  return {
    query: <T>(sql: string, parameters?: readonly unknown[]) => manager.query<T[]>(sql, parameters ? [...parameters] : undefined),
    publish: async (messages) => {
      await outbox.record(manager, messages);
    },
  };
}
