import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Actor, ListOrdersQuery, Order, OrderPage } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { DataSource } from 'typeorm';
import { decodeOrderCursor, encodeOrderCursor } from './order-cursor';
import { ORDER_COLUMNS, ordersOf, type OrderRow } from './order-reader';

/** Reading orders: a customer sees their own (another's is not found, never shown), an admin every order. */
@Injectable()
export class ViewOrdersService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(actor: Actor, id: string): Promise<Order> {
    const rows = await this.dataSource.query<OrderRow[]>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2)`,
      [id, ownerFilter(actor)],
    );
    const [order] = await ordersOf(this.dataSource, rows);
    if (!order) throw orderNotFound(id);
    return order;
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(actor: Actor, query: ListOrdersQuery): Promise<OrderPage> {
    const cursor = query.cursor === undefined ? undefined : decodeOrderCursor(query.cursor);
    if (query.cursor !== undefined && !cursor) {
      throw new AppError('VALIDATION.FAILED', 'Invalid cursor', [
        { field: 'cursor', message: 'expected a cursor returned by this API' },
      ]);
    }
    const rows = await this.dataSource.query<OrderRow[]>(
      `SELECT ${ORDER_COLUMNS} FROM orders
       WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR status = $2)
         AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $5`,
      [ownerFilter(actor), query.status ?? null, cursor?.createdAt ?? null, cursor?.id ?? null, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: await ordersOf(this.dataSource, page),
      nextCursor: rows.length > query.limit && last ? encodeOrderCursor({ createdAt: last.created_at, id: last.id }) : null,
    };
  }
}

/** The user whose orders the actor may see; null for an admin (all). */
export const ownerFilter = (actor: Actor): string | null => (actor.role === 'admin' ? null : actor.userId);

export const orderNotFound = (id: string): AppError => new AppError('ORDERS.ORDER_NOT_FOUND', `No order with id ${id}`);
