import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CatalogRpc,
  ListProductsQuerySchema,
  ProductIdParamsSchema,
  ProductPageSchema,
  ProductSchema,
  type ListProductsQuery,
  type Product,
  type ProductIdParams,
  type ProductPage,
} from '@shopmesh/contracts';
import { InjectRpcClient, type RpcClient } from '@shopmesh/rpc';
import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';

@ApiTags('products')
@Controller('v1/products')
export class ProductsController {
  constructor(@InjectRpcClient('catalog') private readonly catalog: RpcClient) {}

  @Get()
  @ApiOperation({ summary: 'A page of active products, newest first' })
  @ApiOkResponse({ standardSchema: ProductPageSchema })
  @ApiProblemResponses(400, 503)
  list(@Query({ schema: ListProductsQuerySchema }) query: ListProductsQuery): Promise<ProductPage> {
    return this.catalog.call(CatalogRpc.listProducts, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One product' })
  @ApiOkResponse({ standardSchema: ProductSchema })
  @ApiProblemResponses(400, 404, 503)
  get(@Param({ schema: ProductIdParamsSchema }) params: ProductIdParams): Promise<Product> {
    return this.catalog.call(CatalogRpc.getProduct, params);
  }
}
