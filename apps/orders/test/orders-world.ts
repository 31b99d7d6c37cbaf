import { randomUUID } from 'node:crypto';
import { CatalogRpc, type Actor, type Address, type Product } from '@shopmesh/contracts';
import { pgConnectionOf } from '@shopmesh/testing';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import { startCatalog, type CatalogUnderTest } from '../../catalog/test/catalog-harness';
import { CatalogTopic, deleteKeys, newCartSpace, startCart, testRedis, type CartUnderTest } from '../../cart/test/cart-harness';
import { startOrders, type OrdersUnderTest } from './orders-harness';

/** Real catalog (own test database) and cart (own Redis keys), both in-process, and orders against them. */
export interface OrdersWorld {
  catalog: CatalogUnderTest;
  cart: CartUnderTest;
  orders: OrdersUnderTest;
  createProduct(amount: number, currency?: string): Promise<Product>;
  /** SQL on catalog's own database (to change it behind catalog's back). */
  catalogSql(sql: string, parameters?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(suite: string, env: Record<string, string> = {}): Promise<OrdersWorld> {
  const catalog = await startCatalog(`orders-${suite}`);
  const space = newCartSpace(`orders-${suite}`);
  const cart = await startCart(space, catalog);
  const orders = await startOrders(suite, catalog, cart, { env });
  let redis: Redis | undefined;
  return {
    catalog,
    cart,
    orders,
    createProduct: (amount, currency = 'EUR') =>
      catalog.rpc.call(CatalogRpc.createProduct, {
        sku: `ORD-${randomUUID().slice(0, 8).toUpperCase()}`,
        name: `Product ${amount}`,
        category: 'test',
        price: { amount, currency },
      }),
    catalogSql: async (sql, parameters) => {
      const client = new Client({ ...pgConnectionOf(catalog.env), database: catalog.env.CATALOG_DB_NAME });
      await client.connect();
      try {
        await client.query(sql, parameters);
      } finally {
        await client.end();
      }
    },
    close: async () => {
      await orders.close();
      await cart.close();
      redis = await testRedis();
      await deleteKeys(redis, space.keys);
      redis.disconnect();
      const topic = await CatalogTopic.connect();
      await topic.deleteGroups([cart.groupId]);
      await topic.close();
      await catalog.close();
    },
  };
}

export const newCustomer = (): Actor => ({ userId: randomUUID(), role: 'customer' });
export const ADMIN: Actor = { userId: randomUUID(), role: 'admin' };
export const ADDRESS: Address = { name: 'Ada Lovelace', line1: '1 Main St', city: 'London', postalCode: 'N1 1AA', country: 'GB' };
export const newKey = (): string => `key-${randomUUID()}`;
