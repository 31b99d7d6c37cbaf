import { applyToCart, applyToLine, changesFrom, type CatalogChange } from './catalog-change';
import type { CartLine, CartState } from './cart-state';

const productId = '00000000-0000-4000-8000-000000000001';
const line: CartLine = {
  productId,
  sku: 'SKU-1',
  name: 'Lamp',
  quantity: 2,
  unitPrice: { amount: 1000, currency: 'EUR' },
  productVersion: 3,
  seenVersion: 3,
  unavailable: false,
};
const price = (amount: number, productVersion: number): CatalogChange => ({
  kind: 'price',
  productId,
  price: { amount, currency: 'EUR' },
  productVersion,
});
const apply = (changes: CatalogChange[], start = line) => changes.reduce(applyToLine, start);

describe(applyToLine.name, () => {
  it('flags a newer price with the new price', () => {
    expect(applyToLine(line, price(1200, 4))).toEqual({
      ...line,
      seenVersion: 4,
      currentUnitPrice: { amount: 1200, currency: 'EUR' },
    });
  });

  it('ignores a price at or before the version the line has seen', () => {
    expect(applyToLine(line, price(1200, 3))).toBe(line);
    expect(applyToLine(line, price(1200, 2))).toBe(line);
  });

  it('clears the flag when the price goes back to the one the user added at', () => {
    const back = apply([price(1200, 4), price(1000, 5)]);
    expect(back).toEqual({ ...line, seenVersion: 5 });
    expect(back).not.toHaveProperty('currentUnitPrice');
  });

  it('gives the outcome of the newest change whatever the order and duplicates', () => {
    const changes = [price(1200, 4), price(900, 5), price(1000, 6), price(1500, 7)];
    const inOrder = apply(changes);
    expect(apply([...changes].reverse())).toEqual(inOrder);
    expect(apply([...changes, ...changes])).toEqual(inOrder);
    expect(apply([changes[3], changes[0], changes[3], changes[1]] as CatalogChange[])).toEqual(inOrder);
    expect(inOrder).toEqual({ ...line, seenVersion: 7, currentUnitPrice: { amount: 1500, currency: 'EUR' } });
  });

  it('marks a withdrawn product unavailable, once', () => {
    const withdrawn = applyToLine(line, { kind: 'withdrawn', productId });
    expect(withdrawn).toEqual({ ...line, unavailable: true });
    expect(applyToLine(withdrawn, { kind: 'withdrawn', productId })).toBe(withdrawn);
    expect(applyToLine(withdrawn, price(1200, 4)).unavailable).toBe(true);
  });
});

describe(applyToCart.name, () => {
  const other: CartLine = { ...line, productId: '00000000-0000-4000-8000-000000000002', sku: 'SKU-2' };
  const cart: CartState = { lines: [line, other] };

  it('changes only the lines of the product', () => {
    expect(applyToCart(cart, price(1200, 4)).lines).toEqual([
      { ...line, seenVersion: 4, currentUnitPrice: { amount: 1200, currency: 'EUR' } },
      other,
    ]);
  });

  it('returns the same cart when nothing changes', () => {
    expect(applyToCart(cart, price(1200, 1))).toBe(cart);
    expect(applyToCart(cart, { kind: 'withdrawn', productId: '00000000-0000-4000-8000-000000000009' })).toBe(cart);
  });
});

describe(changesFrom.name, () => {
  it('turns what is known of a product into the changes to apply', () => {
    expect(changesFrom({ productId, withdrawn: false })).toEqual([]);
    expect(
      changesFrom({ productId, latestPrice: { price: { amount: 1, currency: 'EUR' }, productVersion: 9 }, withdrawn: true }),
    ).toEqual([price(1, 9), { kind: 'withdrawn', productId }]);
  });
});
