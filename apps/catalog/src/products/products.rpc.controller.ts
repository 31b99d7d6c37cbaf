import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  CatalogPatterns,
  ListProductsQuerySchema,
  ProductIdParamsSchema,
  type ListProductsQuery,
  type Product,
  type ProductIdParams,
  type ProductPage,
} from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { RpcPayload } from '@shopmesh/rpc';
import { ProductsService } from './products.service';

@Controller()
export class ProductsRpcController {
  constructor(private readonly products: ProductsService) {}

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
}
