import type { Product } from '@shopmesh/contracts';
import { planUpdate } from './plan-update';

describe(planUpdate.name, () => {
  const before: Product = {
    id: '00000000-0000-4000-8000-000000000001',
    sku: 'LAMP-1',
    name: 'Lamp',
    description: 'bright',
    category: 'home',
    price: { amount: 1999, currency: 'EUR' },
    active: true,
    version: 3,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const at = { id: before.id, productVersion: 3 };

  it('is a conflict when made at another version, whatever it changes', () => {
    expect(planUpdate(before, { ...at, productVersion: 2, name: 'Lamp 2' })).toEqual({ kind: 'conflict' });
    expect(planUpdate(before, { ...at, productVersion: 4, name: 'Lamp' })).toEqual({ kind: 'conflict' });
  });

  it('changes only the fields whose value differs, without a price event', () => {
    expect(planUpdate(before, { ...at, name: 'Desk Lamp', description: 'bright', category: 'office' })).toEqual({
      kind: 'change',
      changes: { name: 'Desk Lamp', category: 'office' },
    });
  });

  it('is a no-op when nothing differs, the same price included', () => {
    expect(planUpdate(before, { ...at, name: 'Lamp', price: { amount: 1999, currency: 'EUR' } })).toEqual({
      kind: 'unchanged',
    });
  });

  it.each([
    ['amount', { amount: 2499, currency: 'EUR' }],
    ['currency', { amount: 1999, currency: 'CHF' }],
  ])('is a price change when the %s differs', (_field, price) => {
    expect(planUpdate(before, { ...at, price, name: 'Lamp' })).toEqual({
      kind: 'change',
      changes: { price },
      priceChange: { previousPrice: before.price, price },
    });
  });

  it('can clear the description', () => {
    expect(planUpdate(before, { ...at, description: '' })).toEqual({ kind: 'change', changes: { description: '' } });
  });
});
