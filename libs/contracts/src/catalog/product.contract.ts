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
  /** Incremented by every change; send it back as `expectedVersion` to change safely. */
  version: z.number().int().positive(),
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

const sku = z
  .string()
  .trim()
  .regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, { error: 'expected 2-64 characters of A-Z, 0-9 and -' });

export const CreateProductSchema = z
  .object({
    sku,
    name: z.string().trim().min(1).max(200),
    description: z.string().max(5000).default(''),
    category: z.string().trim().min(1).max(64),
    price: MoneySchema,
  })
  .strict();
export type CreateProduct = z.infer<typeof CreateProductSchema>;

export const ChangePriceSchema = z
  .object({
    id: z.uuid({ error: 'expected a UUID' }),
    price: MoneySchema,
    expectedVersion: z.number().int().positive().optional(),
  })
  .strict();
export type ChangePrice = z.infer<typeof ChangePriceSchema>;

/** TCP message patterns served by catalog. */
export const CatalogPatterns = {
  listProducts: 'catalog.products.list',
  getProduct: 'catalog.products.get',
  createProduct: 'catalog.products.create',
  changePrice: 'catalog.products.change-price',
  deactivateProduct: 'catalog.products.deactivate',
} as const;
