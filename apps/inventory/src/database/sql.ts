import type { EntityManager } from 'typeorm';

/**
 * What inventory's stores need of a transaction: run SQL on it. A consumer's `ConsumerTransaction`
 * is one; {@link sqlOf} makes one of a TypeORM transaction's manager (sweeper, RPCs, seed).
 */
export interface Sql {
  query<T = unknown>(sql: string, parameters?: readonly unknown[]): Promise<T[]>;
}

export const sqlOf = (manager: EntityManager): Sql => ({
  query: <T>(sql: string, parameters?: readonly unknown[]) => manager.query<T[]>(sql, parameters ? [...parameters] : undefined),
});
