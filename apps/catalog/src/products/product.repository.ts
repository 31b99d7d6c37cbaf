import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Product } from '@shopmesh/contracts';
import { Outbox, type NewMessage } from '@shopmesh/messaging';
import { DataSource, type EntityManager } from 'typeorm';
import type { ProductChanges } from './product-change';
import { PRODUCT_COLUMNS, toProduct, type ProductRow } from './product.mapper';
import type { ProductPageQuery, ProductPageRow } from './list-products/product-page-query';

export interface NewProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  price: Product['price'];
  createdAt: Date;
}

/** What a use case may do inside one transaction; its messages commit with it (outbox). */
export interface ProductTransaction {
  findById(id: string): Promise<Product | undefined>;
  /** The new product, or undefined if its SKU is taken. */
  insert(product: NewProduct): Promise<Product | undefined>;
  /** Applies `changes` if the product is still at `version` (checked in the UPDATE); undefined otherwise. */
  updateAtVersion(id: string, version: number, changes: ProductChanges): Promise<Product | undefined>;
  /** Deactivates it if it is active; undefined if it was not (or does not exist). */
  deactivateIfActive(id: string): Promise<Product | undefined>;
  record(messages: readonly NewMessage[]): Promise<void>;
}

/** Reads and writes of products; the use cases depend on this shape, not on the SQL. */
export interface ProductStore {
  transaction<T>(work: (tx: ProductTransaction) => Promise<T>): Promise<T>;
  findById(id: string): Promise<Product | undefined>;
  findActiveByIds(ids: readonly string[]): Promise<Product[]>;
  findSkus(skus: readonly string[]): Promise<Set<string>>;
  findPage(query: ProductPageQuery): Promise<ProductPageRow[]>;
}

/** Every SQL statement of catalog's products. */
@Injectable()
export class ProductRepository implements ProductStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  transaction<T>(work: (tx: ProductTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(this.transactionOf(manager)));
  }

  findById(id: string): Promise<Product | undefined> {
    return findById(this.dataSource.manager, id);
  }

  async findActiveByIds(ids: readonly string[]): Promise<Product[]> {
    const rows = await this.dataSource.query<ProductRow[]>(
      `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ANY($1::uuid[]) AND active`,
      [[...new Set(ids)]],
    );
    return rows.map(toProduct);
  }

  async findSkus(skus: readonly string[]): Promise<Set<string>> {
    const rows = await this.dataSource.query<Array<{ sku: string }>>(`SELECT sku FROM products WHERE sku = ANY($1)`, [[...skus]]);
    return new Set(rows.map((r) => r.sku));
  }

  async findPage(query: ProductPageQuery): Promise<ProductPageRow[]> {
    const { sql, parameters } = pageSql(query);
    const rows = await this.dataSource.query<Array<ProductRow & { rank: number | null }>>(sql, parameters);
    return rows.map((row) => ({ product: toProduct(row), createdAt: row.created_at, rank: row.rank ?? undefined }));
  }

  private transactionOf(manager: EntityManager): ProductTransaction {
    const one = async (sql: string, parameters: unknown[]): Promise<Product | undefined> => {
      const rows = await manager.query<ProductRow[]>(sql, parameters);
      return rows[0] ? toProduct(rows[0]) : undefined;
    };
    // UPDATE … RETURNING answers [rows, count] through TypeORM
    const updated = async (sql: string, parameters: unknown[]): Promise<Product | undefined> => {
      const [rows] = await manager.query<[ProductRow[], number]>(sql, parameters);
      return rows[0] ? toProduct(rows[0]) : undefined;
    };
    return {
      findById: (id) => findById(manager, id),
      insert: (p) =>
        one(
          `INSERT INTO products (id, sku, name, description, category, price_amount, price_currency, active, version,
                                 created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, true, 1, $8, $8)
           ON CONFLICT (sku) DO NOTHING RETURNING ${PRODUCT_COLUMNS}`,
          [p.id, p.sku, p.name, p.description, p.category, p.price.amount, p.price.currency, p.createdAt],
        ),
      updateAtVersion: (id, version, changes) =>
        updated(
          `UPDATE products SET name = COALESCE($3, name), description = COALESCE($4, description),
                  category = COALESCE($5, category), price_amount = COALESCE($6, price_amount),
                  price_currency = COALESCE($7, price_currency), version = version + 1, updated_at = clock_timestamp()
            WHERE id = $1 AND version = $2 RETURNING ${PRODUCT_COLUMNS}`,
          [
            id,
            version,
            changes.name ?? null,
            changes.description ?? null,
            changes.category ?? null,
            changes.price?.amount ?? null,
            changes.price?.currency ?? null,
          ],
        ),
      deactivateIfActive: (id) =>
        updated(
          `UPDATE products SET active = false, version = version + 1, updated_at = clock_timestamp()
            WHERE id = $1 AND active RETURNING ${PRODUCT_COLUMNS}`,
          [id],
        ),
      record: async (messages) => {
        await this.outbox.record(manager, messages);
      },
    };
  }
}

async function findById(manager: EntityManager, id: string): Promise<Product | undefined> {
  const rows = await manager.query<ProductRow[]>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1`, [id]);
  return rows[0] ? toProduct(rows[0]) : undefined;
}

/**
 * A page of active products. Without search: newest first, keyset (created_at, id) on the partial
 * index. With search: the GIN index finds the matches, ordered by rank, then newest first, keyset
 * (rank, created_at, id). Every value the caller gave is a bind parameter.
 */
export function pageSql(query: ProductPageQuery): { sql: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const bind = (value: unknown): string => `$${parameters.push(value)}`;
  const where = ['p.active'];
  let rank = 'NULL::real';
  if (query.search) {
    // websearch syntax for what is typed; the last word, if a plain one, matches as a prefix
    const words = `websearch_to_tsquery('simple', ${bind(query.search.words)})`;
    const tsquery = query.search.prefix ? `(${words} && products_prefix_query(${bind(query.search.prefix)}))` : words;
    where.push(`p.search @@ ${tsquery}`);
    rank = `ts_rank(p.search, ${tsquery})`;
  }
  if (query.category) where.push(`lower(p.category) = lower(${bind(query.category)})`);
  const after = query.after;
  if (after?.kind === 'rank') {
    where.push(`(${rank}, p.created_at, p.id) < (${bind(after.rank)}::real, ${bind(after.createdAt)}, ${bind(after.id)}::uuid)`);
  } else if (after) {
    where.push(`(p.created_at, p.id) < (${bind(after.createdAt)}, ${bind(after.id)}::uuid)`);
  }
  const order = query.search ? 'rank DESC, p.created_at DESC, p.id DESC' : 'p.created_at DESC, p.id DESC';
  const columns = PRODUCT_COLUMNS.split(', ')
    .map((c) => `p.${c}`)
    .join(', ');
  return {
    sql: `SELECT ${columns}, ${rank} AS rank FROM products p WHERE ${where.join(' AND ')}
           ORDER BY ${order} LIMIT ${bind(query.limit + 1)}`,
    parameters,
  };
}
