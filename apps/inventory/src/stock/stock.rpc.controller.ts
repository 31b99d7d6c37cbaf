import { Controller } from '@nestjs/common';
import { InventoryRpc, type Actor, type SetStock, type SkuParams, type Stock } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { RpcActor, RpcHandler, RpcPayload } from '@shopmesh/rpc';
import { GetStockService } from './get-stock/get-stock.service';
import { SetStockService } from './set-stock/set-stock.service';

/**
 * Inventory's RPCs (TCP), for admins only: the verified actor the gateway forwards must have the
 * `admin` role (`AUTH.UNAUTHENTICATED` without one, `AUTH.FORBIDDEN` for any other role).
 */
@Controller()
export class StockRpcController {
  constructor(
    private readonly getStock: GetStockService,
    private readonly setStock: SetStockService,
  ) {}

  @RpcHandler(InventoryRpc.getStock)
  async get(@RpcActor() actor: Actor, @RpcPayload(InventoryRpc.getStock) { sku }: SkuParams): Promise<Stock> {
    assertAdmin(actor);
    const stock = await this.getStock.get(sku);
    if (!stock) throw new AppError('INVENTORY.SKU_NOT_FOUND', `No stock for SKU ${sku}`);
    return stock;
  }

  @RpcHandler(InventoryRpc.setStock)
  async set(@RpcActor() actor: Actor, @RpcPayload(InventoryRpc.setStock) { sku, onHand }: SetStock): Promise<Stock> {
    assertAdmin(actor);
    const outcome = await this.setStock.set(sku, onHand);
    if (outcome.ok) return outcome.stock;
    throw new AppError('INVENTORY.BELOW_RESERVED', `SKU ${sku} has ${outcome.reserved} unit(s) reserved: onHand cannot be less`, [
      { field: 'onHand', message: `expected at least ${outcome.reserved} (reserved now)` },
    ]);
  }
}

function assertAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new AppError('AUTH.FORBIDDEN', 'Stock is for admins');
}
