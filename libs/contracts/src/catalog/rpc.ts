import { z } from 'zod';
import { MoneySchema } from '../money';
import { pageCursor, pageLimit, pageOf } from '../page';
import { defineRpc } from '../rpc-definition';
import { noNul } from '../text';

export const ProductSchema = z.object({
  id: z.uuid(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  price: MoneySchema,
  active: z.boolean(),
  /** Incremented by every change; send it back as `productVersion` to change safely. */
  version: z.number().int().positive(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Product = z.infer<typeof ProductSchema>;

/** Query of `GET /v1/products` and of `catalog.products.list`; unknown fields are rejected. */
export const ListProductsQuerySchema = z
  .object({
    query: noNul(z.string().trim().min(1).max(100)).optional(),
    category: noNul(z.string().trim().min(1).max(64)).optional(),
    limit: pageLimit(),
    cursor: pageCursor().optional(),
  })
  .strict();
export type ListProductsQuery = z.infer<typeof ListProductsQuerySchema>;

export const ProductIdParamsSchema = z.object({ id: z.uuid({ error: 'expected a UUID' }) }).strict();
export type ProductIdParams = z.infer<typeof ProductIdParamsSchema>;

export const ProductPageSchema = pageOf(ProductSchema);
export type ProductPage = z.infer<typeof ProductPageSchema>;

const sku = z
  .string()
  .trim()
  .regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, { error: 'expected 2-64 characters of A-Z, 0-9 and -' });
const name = noNul(z.string().trim().min(1).max(200));
const description = noNul(z.string().max(5000));
const category = noNul(z.string().trim().min(1).max(64));

export const CreateProductSchema = z
  .object({ sku, name, description: description.default(''), category, price: MoneySchema })
  .strict();
export type CreateProduct = z.infer<typeof CreateProductSchema>;

/** `PATCH /v1/products/:id` body: the fields to change, and the version they were read at. */
export const UpdateProductBodySchema = z
  .object({
    productVersion: z.number({ error: 'expected the version of the product you read' }).int().positive(),
    name: name.optional(),
    description: description.optional(),
    category: category.optional(),
    price: MoneySchema.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).some((k) => k !== 'productVersion'), {
    error: 'expected at least one of name, description, category, price',
  });
export type UpdateProductBody = z.infer<typeof UpdateProductBodySchema>;

export const UpdateProductSchema = z
  .object({
    id: z.uuid({ error: 'expected a UUID' }),
    productVersion: z.number().int().positive(),
    name: name.optional(),
    description: description.optional(),
    category: category.optional(),
    price: MoneySchema.optional(),
  })
  .strict();
export type UpdateProduct = z.infer<typeof UpdateProductSchema>;

/** RPCs served by catalog. */
export const CatalogRpc = {
  listProducts: defineRpc({
    pattern: 'catalog.products.list',
    request: ListProductsQuerySchema,
    response: ProductPageSchema,
    idempotent: true,
  }),
  getProduct: defineRpc({
    pattern: 'catalog.products.get',
    request: ProductIdParamsSchema,
    response: ProductSchema,
    idempotent: true,
  }),
  /** Active products by id, for carts and orders (unknown or inactive ids are left out). */
  getProducts: defineRpc({
    pattern: 'catalog.products.get-many',
    request: z.object({ ids: z.array(z.uuid()).min(1).max(100) }).strict(),
    response: z.object({ items: z.array(ProductSchema) }),
    idempotent: true,
  }),
  createProduct: defineRpc({
    pattern: 'catalog.products.create',
    request: CreateProductSchema,
    response: ProductSchema,
    idempotent: false,
  }),
  updateProduct: defineRpc({
    pattern: 'catalog.products.update',
    request: UpdateProductSchema,
    response: ProductSchema,
    idempotent: false,
  }),
  deactivateProduct: defineRpc({
    pattern: 'catalog.products.deactivate',
    request: ProductIdParamsSchema,
    response: ProductSchema,
    idempotent: true,
  }),
};
