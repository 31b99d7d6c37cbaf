import { Injectable } from '@nestjs/common';
import { CatalogRpc } from '@shopmesh/contracts';
import { InjectRpcClient, type RpcClient } from '@shopmesh/rpc';
import type { ProductOffer } from './price-order';

/** Catalog's current offers of products (its database, not a cache): where order prices come from. */
@Injectable()
export class CatalogOffers {
  constructor(@InjectRpcClient('catalog') private readonly catalog: RpcClient) {}

  async of(productIds: readonly string[]): Promise<ProductOffer[]> {
    const { items } = await this.catalog.call(CatalogRpc.getProducts, { ids: [...productIds] });
    return items;
  }
}
