import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CatalogRpc,
  CreateProductSchema,
  ListProductsQuerySchema,
  ProductIdParamsSchema,
  ProductPageSchema,
  ProductSchema,
  UpdateProductBodySchema,
  type CreateProduct,
  type ListProductsQuery,
  type Product,
  type ProductIdParams,
  type ProductPage,
  type UpdateProductBody,
} from '@shopmesh/contracts';
import { InjectRpcClient, type RpcClient } from '@shopmesh/rpc';
import { Authenticated, Public } from '../auth/auth.decorators';
import { RateLimit } from '../edge/rate-limit/rate-limit.decorator';
import { ApiProblemResponses, BODY_PROBLEMS, UPSTREAM_PROBLEMS } from '../openapi/api-problem-responses.decorator';

@ApiTags('products')
@Controller('v1/products')
export class ProductsController {
  constructor(@InjectRpcClient('catalog') private readonly catalog: RpcClient) {}

  @Get()
  @Public()
  @RateLimit('read')
  @ApiOperation({ summary: 'A page of active products, newest first; `query` searches name, category and description' })
  @ApiOkResponse({ standardSchema: ProductPageSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  list(@Query({ schema: ListProductsQuerySchema }) query: ListProductsQuery): Promise<ProductPage> {
    return this.catalog.call(CatalogRpc.listProducts, query);
  }

  @Get(':id')
  @Public()
  @RateLimit('read')
  @ApiOperation({ summary: 'One product' })
  @ApiOkResponse({ standardSchema: ProductSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'CATALOG.PRODUCT_NOT_FOUND', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  get(@Param({ schema: ProductIdParamsSchema }) params: ProductIdParams): Promise<Product> {
    return this.catalog.call(CatalogRpc.getProduct, params);
  }

  @Post()
  @Authenticated('admin')
  @RateLimit('write')
  @ApiOperation({ summary: 'Add a product (admin)' })
  @ApiCreatedResponse({ standardSchema: ProductSchema })
  @ApiProblemResponses(...BODY_PROBLEMS, 'CATALOG.SKU_TAKEN', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  create(@Body({ schema: CreateProductSchema }) body: CreateProduct): Promise<Product> {
    return this.catalog.call(CatalogRpc.createProduct, body);
  }

  @Patch(':id')
  @Authenticated('admin')
  @RateLimit('write')
  @ApiOperation({
    summary: 'Change a product read at `productVersion` (admin); 409 CATALOG.VERSION_CONFLICT if it changed since',
  })
  @ApiOkResponse({ standardSchema: ProductSchema })
  @ApiProblemResponses(
    ...BODY_PROBLEMS,
    'CATALOG.PRODUCT_NOT_FOUND',
    'CATALOG.VERSION_CONFLICT',
    'RATE_LIMIT.EXCEEDED',
    ...UPSTREAM_PROBLEMS,
  )
  update(
    @Param({ schema: ProductIdParamsSchema }) { id }: ProductIdParams,
    @Body({ schema: UpdateProductBodySchema }) body: UpdateProductBody,
  ): Promise<Product> {
    return this.catalog.call(CatalogRpc.updateProduct, { id, ...body });
  }

  @Delete(':id')
  @Authenticated('admin')
  @RateLimit('write')
  @ApiOperation({ summary: 'Withdraw a product from sale (admin); it stays readable by id with `active: false`' })
  @ApiOkResponse({ standardSchema: ProductSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'CATALOG.PRODUCT_NOT_FOUND', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  deactivate(@Param({ schema: ProductIdParamsSchema }) params: ProductIdParams): Promise<Product> {
    return this.catalog.call(CatalogRpc.deactivateProduct, params);
  }
}
