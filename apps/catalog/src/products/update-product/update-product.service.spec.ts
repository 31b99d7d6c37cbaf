import { CountingCache, InMemoryProductStore, aProduct } from '../in-memory-product-store';
import { UpdateProductService } from './update-product.service';

describe(UpdateProductService.name, () => {
  let store: InMemoryProductStore;
  let cache: CountingCache;
  let sut: UpdateProductService;
  const product = aProduct();

  beforeEach(() => {
    store = new InMemoryProductStore();
    store.products.set(product.id, product);
    cache = new CountingCache();
    sut = new UpdateProductService(store, cache);
  });

  it('re-prices: one ProductPriceChanged with the previous price and the new version', async () => {
    const change = await sut.update({ id: product.id, productVersion: 1, price: { amount: 2499, currency: 'EUR' } });
    expect(change).toMatchObject({ ok: true, changed: true, product: { version: 2, price: { amount: 2499 } } });
    expect(store.messages.map((m) => [m.type, m.payload])).toEqual([
      [
        'ProductPriceChanged',
        {
          productId: product.id,
          sku: 'LAMP-1',
          previousPrice: product.price,
          price: { amount: 2499, currency: 'EUR' },
          productVersion: 2,
        },
      ],
    ]);
    expect(cache.changes).toBe(1);
  });

  it('renames without an event, and still invalidates the cache', async () => {
    const change = await sut.update({ id: product.id, productVersion: 1, name: 'Desk Lamp', category: 'office' });
    expect(change).toMatchObject({ ok: true, product: { name: 'Desk Lamp', category: 'office', version: 2 } });
    expect(store.messages).toEqual([]);
    expect(cache.changes).toBe(1);
  });

  it('answers an update that changes nothing with the product as it is', async () => {
    await expect(sut.update({ id: product.id, productVersion: 1, name: 'Lamp' })).resolves.toEqual({
      ok: true,
      product,
      changed: false,
    });
    expect(cache.changes).toBe(0);
  });

  it('tells a version conflict from an unknown product', async () => {
    await expect(sut.update({ id: product.id, productVersion: 2, name: 'X' })).resolves.toEqual({
      ok: false,
      reason: 'VERSION_CONFLICT',
    });
    await expect(sut.update({ id: '00000000-0000-4000-8000-000000000009', productVersion: 1, name: 'X' })).resolves.toEqual({
      ok: false,
      reason: 'NOT_FOUND',
    });
    expect(store.products.get(product.id)).toEqual(product);
  });

  it('lets only one of two writers at the same version through', async () => {
    const [a, b] = await Promise.all([
      sut.update({ id: product.id, productVersion: 1, price: { amount: 1, currency: 'EUR' } }),
      sut.update({ id: product.id, productVersion: 1, price: { amount: 2, currency: 'EUR' } }),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect(store.messages).toHaveLength(1);
  });
});
