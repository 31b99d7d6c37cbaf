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
import { ProductCommandsService, type ProductChange } from './product-commands.service';
import { ProductsService } from './products.service';

@Controller()
export class ProductsRpcController {
  constructor(
    private readonly products: ProductsService,
    private readonly commands: ProductCommandsService,
  ) {}

  @RpcHandler(CatalogRpc.listProducts)
  list(@RpcPayload(CatalogRpc.listProducts) query: ListProductsQuery): Promise<ProductPage> {
    return this.products.list(query);
  }

  @RpcHandler(CatalogRpc.getProduct)
  async get(@RpcPayload(CatalogRpc.getProduct) { id }: ProductIdParams): Promise<Product> {
    const product = await this.products.findById(id);
    if (!product) throw new AppError('CATALOG.PRODUCT_NOT_FOUND', `No product with id ${id}`);
    return product;
  }

  @RpcHandler(CatalogRpc.getProducts)
  async getMany(@RpcPayload(CatalogRpc.getProducts) { ids }: { ids: string[] }): Promise<{ items: Product[] }> {
    return { items: await this.products.findActiveByIds(ids) };
  }

  @RpcHandler(CatalogRpc.createProduct)
  async create(@RpcPayload(CatalogRpc.createProduct) input: CreateProduct): Promise<Product> {
    return productOrError(await this.commands.create(input), input.sku);
  }

  @RpcHandler(CatalogRpc.updateProduct)
  async update(@RpcPayload(CatalogRpc.updateProduct) input: UpdateProduct): Promise<Product> {
    return productOrError(await this.commands.update(input), input.id);
  }

  @RpcHandler(CatalogRpc.deactivateProduct)
  async deactivate(@RpcPayload(CatalogRpc.deactivateProduct) { id }: ProductIdParams): Promise<Product> {
    return productOrError(await this.commands.deactivate(id), id);
  }
}

function productOrError(change: ProductChange, subject: string): Product {
  if (change.ok) return change.product;
  switch (change.reason) {
    case 'NOT_FOUND':
      throw new AppError('CATALOG.PRODUCT_NOT_FOUND', `No product with id ${subject}`);
    case 'SKU_TAKEN':
      throw new AppError('CATALOG.SKU_TAKEN', `A product with SKU ${subject} exists already`);
    case 'VERSION_CONFLICT':
      throw new AppError('CATALOG.VERSION_CONFLICT', `Product ${subject} was changed meanwhile; read it again and retry`);
  }
}
