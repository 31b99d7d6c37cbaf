import { DEMO_PRODUCTS } from '@shopmesh/demo-data';
import { DEMO_STOCK_RANGE, demoStockOf } from './demo-stock';

describe(demoStockOf.name, () => {
  const quantities = DEMO_PRODUCTS.map((p) => demoStockOf(p.sku));

  it('gives every demo SKU 10 to 100 units', () => {
    for (const q of quantities) {
      expect(Number.isInteger(q)).toBe(true);
      expect(q).toBeGreaterThanOrEqual(DEMO_STOCK_RANGE.min);
      expect(q).toBeLessThanOrEqual(DEMO_STOCK_RANGE.max);
    }
  });

  it('depends on the SKU alone, and varies between SKUs', () => {
    expect(demoStockOf('ELE-0001')).toBe(demoStockOf('ELE-0001'));
    expect(new Set(quantities).size).toBeGreaterThan(50);
  });
});
