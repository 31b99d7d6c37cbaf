import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ListProductsQuery, Product, ProductPage } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { In, Repository } from 'typeorm';
import { ProductCache } from './product-cache';
import { decodeCursor, encodeCursor } from './product-cursor';
import { ProductEntity } from './product.entity';
import { toProduct } from './product.mapper';

@Injectable()
export class ProductsService {
  constructor(
    @InjectRepository(ProductEntity) private readonly products: Repository<ProductEntity>,
    private readonly cache: ProductCache,
  ) {}

  /** A page of active products, newest first; `nextCursor` is null on the last page. */
  async list(query: ListProductsQuery): Promise<ProductPage> {
    const qb = this.products.createQueryBuilder('p').where('p.active = true');
    if (query.category) qb.andWhere('p.category = :category', { category: query.category });
    if (query.query) {
      qb.andWhere(`(p.name ILIKE :pattern ESCAPE '\\' OR p.description ILIKE :pattern ESCAPE '\\')`, {
        pattern: `%${query.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      });
    }
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) {
        throw new AppError('VALIDATION.FAILED', 'Invalid cursor', [
          { field: 'cursor', message: 'not a cursor returned by this API' },
        ]);
      }
      qb.andWhere('(p.created_at, p.id) < (:createdAt, :id)', cursor);
    }
    const rows = await qb
      .orderBy('p.created_at', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .limit(query.limit + 1)
      .getMany();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toProduct),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
    };
  }

  /** The product (active or not), or undefined. */
  async findById(id: string): Promise<Product | undefined> {
    const cached = await this.cache.get(id);
    if (cached) return cached;
    const row = await this.products.findOneBy({ id });
    if (!row) return undefined;
    const product = toProduct(row);
    await this.cache.set(product);
    return product;
  }

  /** The active products among `ids` (unknown or inactive ones are left out). */
  async findActiveByIds(ids: readonly string[]): Promise<Product[]> {
    const rows = await this.products.findBy({ id: In([...new Set(ids)]), active: true });
    return rows.map(toProduct);
  }
}
