import { priceOrder, type ProductOffer } from './price-order';

const offer = (id: string, amount: number, patch: Partial<ProductOffer> = {}): ProductOffer => ({
  id,
  sku: `SKU-${id}`,
  name: `Product ${id}`,
  price: { amount, currency: 'EUR' },
  active: true,
  ...patch,
});

describe(priceOrder.name, () => {
  it('prices each line at catalog price, in the order asked, and sums the total', () => {
    const sut = priceOrder(
      [
        { productId: 'b', quantity: 3 },
        { productId: 'a', quantity: 1 },
      ],
      [offer('a', 1999), offer('b', 250)],
    );
    expect(sut).toEqual({
      ok: true,
      lines: [
        { productId: 'b', sku: 'SKU-b', name: 'Product b', quantity: 3, unitPrice: { amount: 250, currency: 'EUR' } },
        { productId: 'a', sku: 'SKU-a', name: 'Product a', quantity: 1, unitPrice: { amount: 1999, currency: 'EUR' } },
      ],
      total: { amount: 2749, currency: 'EUR' },
    });
  });

  it('names every unknown or inactive product', () => {
    const sut = priceOrder(
      [
        { productId: 'a', quantity: 1 },
        { productId: 'gone', quantity: 1 },
        { productId: 'off', quantity: 1 },
      ],
      [offer('a', 1), offer('off', 1, { active: false })],
    );
    expect(sut).toEqual({ ok: false, reason: 'PRODUCT_UNAVAILABLE', productIds: ['gone', 'off'] });
  });

  it('refuses lines in several currencies', () => {
    const sut = priceOrder(
      [
        { productId: 'a', quantity: 1 },
        { productId: 'b', quantity: 1 },
      ],
      [offer('a', 1), offer('b', 1, { price: { amount: 1, currency: 'USD' } })],
    );
    expect(sut).toEqual({ ok: false, reason: 'CURRENCY_MISMATCH', currencies: ['EUR', 'USD'] });
  });

  it('refuses a total that is not a safe integer', () => {
    const sut = priceOrder([{ productId: 'a', quantity: 99 }], [offer('a', Math.floor(Number.MAX_SAFE_INTEGER / 50))]);
    expect(sut).toEqual({ ok: false, reason: 'TOTAL_TOO_LARGE' });
  });
});
