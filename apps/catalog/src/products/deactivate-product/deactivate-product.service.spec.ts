import { CountingCache, InMemoryProductStore, aProduct } from '../in-memory-product-store';
import { DeactivateProductService } from './deactivate-product.service';

describe(DeactivateProductService.name, () => {
  const product = aProduct();

  it('deactivates once: ProductDeactivated the first time, a no-op without event after', async () => {
    const store = new InMemoryProductStore();
    store.products.set(product.id, product);
    const cache = new CountingCache();
    const sut = new DeactivateProductService(store, cache);

    const first = await sut.deactivate(product.id);
    expect(first).toMatchObject({ ok: true, changed: true, product: { active: false, version: 2 } });
    const again = await sut.deactivate(product.id);
    expect(again).toMatchObject({ ok: true, changed: false, product: { active: false, version: 2 } });
    expect(store.messages.map((m) => [m.type, m.payload])).toEqual([
      ['ProductDeactivated', { productId: product.id, sku: 'LAMP-1' }],
    ]);
    expect(cache.changes).toBe(1);
  });

  it('does not know an unknown product', async () => {
    const sut = new DeactivateProductService(new InMemoryProductStore(), new CountingCache());
    await expect(sut.deactivate(product.id)).resolves.toEqual({ ok: false, reason: 'NOT_FOUND' });
  });
});
