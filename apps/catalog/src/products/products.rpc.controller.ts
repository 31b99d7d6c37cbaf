import { Controller } from '@nestjs/common';
import {
  CatalogRpc,
  type CreateProduct,
  type ListProductsQuery,
  type Product,
  type ProductIdParams,
  type ProductPage,
  type UpdateProduct,
} from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { RpcHandler, RpcPayload } from '@shopmesh/rpc';
import { CreateProductService } from './create-product/create-product.service';
import { DeactivateProductService } from './deactivate-product/deactivate-product.service';
import { GetProductService } from './get-product/get-product.service';
import { GetProductsService } from './get-products/get-products.service';
import { ListProductsService } from './list-products/list-products.service';
import type { ProductChange } from './product-change';
import { UpdateProductService } from './update-product/update-product.service';

/** Catalog's RPCs (TCP): each hands its validated request to its use case. */
@Controller()
export class ProductsRpcController {
  constructor(
    private readonly listProducts: ListProductsService,
    private readonly getProduct: GetProductService,
    private readonly getProducts: GetProductsService,
    private readonly createProduct: CreateProductService,
    private readonly updateProduct: UpdateProductService,
    private readonly deactivateProduct: DeactivateProductService,
  ) {}

  @RpcHandler(CatalogRpc.listProducts)
  list(@RpcPayload(CatalogRpc.listProducts) query: ListProductsQuery): Promise<ProductPage> {
    return this.listProducts.list(query);
  }

  @RpcHandler(CatalogRpc.getProduct)
  async get(@RpcPayload(CatalogRpc.getProduct) { id }: ProductIdParams): Promise<Product> {
    const product = await this.getProduct.get(id);
    if (!product) throw notFound(id);
    return product;
  }

  @RpcHandler(CatalogRpc.getProducts)
  async getMany(@RpcPayload(CatalogRpc.getProducts) { ids }: { ids: string[] }): Promise<{ items: Product[] }> {
    return { items: await this.getProducts.getActive(ids) };
  }

  @RpcHandler(CatalogRpc.createProduct)
  async create(@RpcPayload(CatalogRpc.createProduct) input: CreateProduct): Promise<Product> {
    return productOrError(await this.createProduct.create(input), input.sku);
  }

  @RpcHandler(CatalogRpc.updateProduct)
  async update(@RpcPayload(CatalogRpc.updateProduct) input: UpdateProduct): Promise<Product> {
    return productOrError(await this.updateProduct.update(input), input.id);
  }

  @RpcHandler(CatalogRpc.deactivateProduct)
  async deactivate(@RpcPayload(CatalogRpc.deactivateProduct) { id }: ProductIdParams): Promise<Product> {
    return productOrError(await this.deactivateProduct.deactivate(id), id);
  }
}

const notFound = (id: string): AppError => new AppError('CATALOG.PRODUCT_NOT_FOUND', `No product with id ${id}`);

function productOrError(change: ProductChange, subject: string): Product {
  if (change.ok) return change.product;
  switch (change.reason) {
    case 'NOT_FOUND':
      throw notFound(subject);
    case 'SKU_TAKEN':
      throw new AppError('CATALOG.SKU_TAKEN', `A product with SKU ${subject} exists already`);
    case 'VERSION_CONFLICT':
      throw new AppError('CATALOG.VERSION_CONFLICT', `Product ${subject} was changed meanwhile; read it again and retry`);
  }
}
