import { CountingCache, InMemoryProductStore } from '../in-memory-product-store';
import { CreateProductService } from './create-product.service';

describe(CreateProductService.name, () => {
  let store: InMemoryProductStore;
  let cache: CountingCache;
  let sut: CreateProductService;
  const input = { sku: 'LAMP-1', name: 'Lamp', description: '', category: 'home', price: { amount: 1999, currency: 'EUR' } };

  beforeEach(() => {
    store = new InMemoryProductStore();
    cache = new CountingCache();
    sut = new CreateProductService(store, cache);
  });

  it('creates an active product at version 1, publishes ProductCreated and invalidates the cache', async () => {
    const change = await sut.create(input);
    expect(change).toMatchObject({ ok: true, changed: true, product: { sku: 'LAMP-1', active: true, version: 1 } });
    expect(store.messages).toEqual([
      expect.objectContaining({
        type: 'ProductCreated',
        payload: { productId: expect.any(String), sku: 'LAMP-1', name: 'Lamp', category: 'home', price: input.price },
      }),
    ]);
    expect(cache.changes).toBe(1);
  });

  it('refuses a taken SKU, storing and publishing nothing', async () => {
    await sut.create(input);
    await expect(sut.create({ ...input, name: 'Other' })).resolves.toEqual({ ok: false, reason: 'SKU_TAKEN' });
    expect(store.products.size).toBe(1);
    expect(store.messages).toHaveLength(1);
    expect(cache.changes).toBe(1);
  });

  it('takes the id and creation time it is given (the seed)', async () => {
    const id = '00000000-0000-4000-8000-000000000007';
    const change = await sut.create(input, { id, createdAt: new Date('2025-01-01T00:00:00.000Z') });
    expect(change).toMatchObject({ ok: true, product: { id, createdAt: '2025-01-01T00:00:00.000Z' } });
  });
});
