import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  InventoryRpc,
  SetStockBodySchema,
  SkuParamsSchema,
  StockSchema,
  type Actor,
  type SetStockBody,
  type SkuParams,
  type Stock,
} from '@shopmesh/contracts';
import { InjectRpcClient, type RpcClient } from '@shopmesh/rpc';
import { Authenticated } from '../auth/auth.decorators';
import { CurrentActor } from '../auth/authenticated-user';
import { RateLimit } from '../edge/rate-limit/rate-limit.decorator';
import { ApiProblemResponses, BODY_PROBLEMS, UPSTREAM_PROBLEMS } from '../openapi/api-problem-responses.decorator';

/** Stock per SKU (admin): reservations are not here, they travel as commands between orders and inventory. */
@ApiTags('inventory')
@Controller('v1/inventory')
@Authenticated('admin')
export class InventoryController {
  constructor(@InjectRpcClient('inventory') private readonly inventory: RpcClient) {}

  @Get(':sku')
  @RateLimit('read')
  @ApiOperation({ summary: 'Stock of one SKU (admin): `available = onHand - reserved`' })
  @ApiOkResponse({ standardSchema: StockSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'INVENTORY.SKU_NOT_FOUND', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  get(@CurrentActor() actor: Actor, @Param({ schema: SkuParamsSchema }) params: SkuParams): Promise<Stock> {
    return this.inventory.call(InventoryRpc.getStock, params, { actor });
  }

  @Put(':sku')
  @RateLimit('write')
  @ApiOperation({
    summary:
      'Set the units on hand of a SKU (admin: a restock or a count); creates its stock row if inventory has not heard of the product yet',
  })
  @ApiOkResponse({ standardSchema: StockSchema })
  @ApiProblemResponses(...BODY_PROBLEMS, 'INVENTORY.BELOW_RESERVED', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  set(
    @CurrentActor() actor: Actor,
    @Param({ schema: SkuParamsSchema }) { sku }: SkuParams,
    @Body({ schema: SetStockBodySchema }) { onHand }: SetStockBody,
  ): Promise<Stock> {
    return this.inventory.call(InventoryRpc.setStock, { sku, onHand }, { actor });
  }
}
