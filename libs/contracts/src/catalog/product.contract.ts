import { z } from 'zod';
import { MoneySchema } from '../money';

export const ProductSchema = z.object({
  id: z.uuid(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  price: MoneySchema,
  active: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Product = z.infer<typeof ProductSchema>;

export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;

/** Query of `GET /v1/products` and of the `catalog.products.list` RPC; unknown fields are rejected. */
export const ListProductsQuerySchema = z
  .object({
    query: z.string().trim().min(1).max(100).optional(),
    category: z.string().trim().min(1).max(64).optional(),
    limit: z.coerce
      .number({ error: 'expected an integer' })
      .int({ error: 'expected an integer' })
      .min(1)
      .max(PAGE_LIMIT_MAX)
      .default(PAGE_LIMIT_DEFAULT),
    cursor: z.string().min(1).max(512).optional(),
  })
  .strict();
export type ListProductsQuery = z.infer<typeof ListProductsQuerySchema>;

export const ProductIdParamsSchema = z.object({ id: z.uuid({ error: 'expected a UUID' }) }).strict();
export type ProductIdParams = z.infer<typeof ProductIdParamsSchema>;

export const ProductPageSchema = z.object({
  items: z.array(ProductSchema),
  nextCursor: z.string().nullable(),
});
export type ProductPage = z.infer<typeof ProductPageSchema>;

/** TCP message patterns served by catalog. */
export const CatalogPatterns = {
  listProducts: 'catalog.products.list',
  getProduct: 'catalog.products.get',
} as const;
