import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ProductCreated,
  ProductDeactivated,
  ProductPriceChanged,
  type CreateProduct,
  type Product,
  type UpdateProduct,
} from '@shopmesh/contracts';
import { Outbox, messageOf } from '@shopmesh/messaging';
import { DataSource, QueryFailedError } from 'typeorm';
import { ProductCache } from './product-cache';
import { ProductEntity } from './product.entity';
import { toProduct } from './product.mapper';

export type ProductChange =
  { ok: true; product: Product } | { ok: false; reason: 'NOT_FOUND' | 'SKU_TAKEN' | 'VERSION_CONFLICT' };

const isUniqueViolation = (error: unknown): boolean =>
  error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';

/**
 * Catalogue changes. Each change and the event it causes commit in one transaction (outbox);
 * concurrent changes of one product are ordered by `version`, checked in the UPDATE itself.
 */
@Injectable()
export class ProductCommandsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly cache: ProductCache,
  ) {}

  async create(input: CreateProduct): Promise<ProductChange> {
    try {
      const product = await this.dataSource.transaction(async (manager) => {
        const now = new Date();
        const row = manager.create(ProductEntity, {
          id: randomUUID(),
          sku: input.sku,
          name: input.name,
          description: input.description,
          category: input.category,
          priceAmount: input.price.amount,
          priceCurrency: input.price.currency,
          active: true,
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
        await manager.insert(ProductEntity, row);
        await this.outbox.record(manager, [
          messageOf(ProductCreated, row.id, {
            productId: row.id,
            sku: row.sku,
            name: row.name,
            category: row.category,
            price: input.price,
          }),
        ]);
        return toProduct(row);
      });
      return { ok: true, product };
    } catch (error) {
      if (isUniqueViolation(error)) return { ok: false, reason: 'SKU_TAKEN' };
      throw error;
    }
  }

  /**
   * Changes the given fields if the product is still at `productVersion` (checked in the UPDATE
   * itself); a price change publishes `ProductPriceChanged` in the same transaction.
   */
  async update(input: UpdateProduct): Promise<ProductChange> {
    const change = await this.dataSource.transaction(async (manager): Promise<ProductChange> => {
      const [before] = await manager.query<Array<{ price_amount: string; price_currency: string }>>(
        `SELECT price_amount, price_currency FROM products WHERE id = $1`,
        [input.id],
      );
      if (!before) return { ok: false, reason: 'NOT_FOUND' };
      const [updated] = await manager.query<[ProductRow[], number]>(
        `UPDATE products SET name = COALESCE($3, name), description = COALESCE($4, description),
                category = COALESCE($5, category), price_amount = COALESCE($6, price_amount),
                price_currency = COALESCE($7, price_currency), version = version + 1, updated_at = clock_timestamp()
          WHERE id = $1 AND version = $2 RETURNING *`,
        [
          input.id,
          input.productVersion,
          input.name ?? null,
          input.description ?? null,
          input.category ?? null,
          input.price?.amount ?? null,
          input.price?.currency ?? null,
        ],
      );
      const row = updated[0];
      if (!row) return { ok: false, reason: 'VERSION_CONFLICT' };
      const product = fromRow(row);
      const previousPrice = { amount: Number(before.price_amount), currency: before.price_currency };
      if (previousPrice.amount !== product.price.amount || previousPrice.currency !== product.price.currency) {
        await this.outbox.record(manager, [
          messageOf(ProductPriceChanged, input.id, {
            productId: input.id,
            sku: product.sku,
            previousPrice,
            price: product.price,
            productVersion: product.version,
          }),
        ]);
      }
      return { ok: true, product };
    });
    if (change.ok) await this.cache.forget(input.id);
    return change;
  }

  async deactivate(id: string): Promise<ProductChange> {
    const change = await this.dataSource.transaction(async (manager): Promise<ProductChange> => {
      const [updated] = await manager.query<[ProductRow[], number]>(
        `UPDATE products SET active = false, version = version + 1, updated_at = clock_timestamp()
          WHERE id = $1 AND active RETURNING *`,
        [id],
      );
      const row = updated[0];
      if (!row) {
        const existing = await manager.findOneBy(ProductEntity, { id }); // already inactive: nothing changes
        return existing ? { ok: true, product: toProduct(existing) } : { ok: false, reason: 'NOT_FOUND' };
      }
      const product = fromRow(row);
      await this.outbox.record(manager, [messageOf(ProductDeactivated, id, { productId: id, sku: product.sku })]);
      return { ok: true, product };
    });
    if (change.ok) await this.cache.forget(id);
    return change;
  }
}

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  price_amount: string;
  price_currency: string;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const fromRow = (r: ProductRow): Product => ({
  id: r.id,
  sku: r.sku,
  name: r.name,
  description: r.description,
  category: r.category,
  price: { amount: Number(r.price_amount), currency: r.price_currency },
  active: r.active,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});
