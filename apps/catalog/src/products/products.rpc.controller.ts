import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  CatalogPatterns,
  ChangePriceSchema,
  CreateProductSchema,
  type ChangePrice,
  type CreateProduct,
  ListProductsQuerySchema,
  ProductIdParamsSchema,
  type ListProductsQuery,
  type Product,
  type ProductIdParams,
  type ProductPage,
} from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { RpcPayload } from '@shopmesh/rpc';
import { ProductCommandsService, type ProductChange } from './product-commands.service';
import { ProductsService } from './products.service';

@Controller()
export class ProductsRpcController {
  constructor(
    private readonly products: ProductsService,
    private readonly commands: ProductCommandsService,
  ) {}

  @MessagePattern(CatalogPatterns.listProducts)
  list(@RpcPayload(ListProductsQuerySchema) query: ListProductsQuery): Promise<ProductPage> {
    return this.products.list(query);
  }

  @MessagePattern(CatalogPatterns.getProduct)
  async get(@RpcPayload(ProductIdParamsSchema) { id }: ProductIdParams): Promise<Product> {
    const product = await this.products.findById(id);
    if (!product) throw new AppError('CATALOG.PRODUCT_NOT_FOUND', `No product with id ${id}`);
    return product;
  }

  @MessagePattern(CatalogPatterns.createProduct)
  async create(@RpcPayload(CreateProductSchema) input: CreateProduct): Promise<Product> {
    return productOrError(await this.commands.create(input), input.sku);
  }

  @MessagePattern(CatalogPatterns.changePrice)
  async changePrice(@RpcPayload(ChangePriceSchema) input: ChangePrice): Promise<Product> {
    return productOrError(await this.commands.changePrice(input), input.id);
  }

  @MessagePattern(CatalogPatterns.deactivateProduct)
  async deactivate(@RpcPayload(ProductIdParamsSchema) { id }: ProductIdParams): Promise<Product> {
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
