import { Injectable } from '@nestjs/common';
import { CatalogRpc } from '@shopmesh/contracts';
import { InjectRpcClient, type RpcClient } from '@shopmesh/rpc';
import type { ProductSnapshot } from '../domain/cart-state';

/** The products as catalog has them now: where every cart line's name, SKU and price come from. */
@Injectable()
export class ProductSnapshots {
  constructor(@InjectRpcClient('catalog') private readonly catalog: RpcClient) {}

  /** The product if it exists and is on sale (read from catalog's database, not a cache). */
  async current(productId: string): Promise<ProductSnapshot | undefined> {
    const { items } = await this.catalog.call(CatalogRpc.getProducts, { ids: [productId] });
    const product = items.find((p) => p.id === productId && p.active);
    return product && { productId, sku: product.sku, name: product.name, price: product.price, version: product.version };
  }
}
