import { CART_MAX_LINES } from '@shopmesh/contracts';
import { EMPTY_CART, removeLine, setLine, viewOf, type CartState, type ProductSnapshot } from './cart-state';

const product = (n: number, overrides: Partial<ProductSnapshot> = {}): ProductSnapshot => ({
  productId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  sku: `SKU-${n}`,
  name: `Product ${n}`,
  price: { amount: 1000 + n, currency: 'EUR' },
  version: 1,
  ...overrides,
});

const cartOf = (...products: ProductSnapshot[]): CartState =>
  products.reduce<CartState>((cart, p) => {
    const outcome = setLine(cart, p, 1);
    if (!outcome.ok) throw new Error(outcome.reason);
    return outcome.cart;
  }, EMPTY_CART);

describe(setLine.name, () => {
  it('adds a line snapshotted from the product', () => {
    const outcome = setLine(EMPTY_CART, product(1), 3);
    expect(outcome).toEqual({
      ok: true,
      cart: {
        lines: [
          {
            productId: product(1).productId,
            sku: 'SKU-1',
            name: 'Product 1',
            quantity: 3,
            unitPrice: { amount: 1001, currency: 'EUR' },
            productVersion: 1,
            seenVersion: 1,
            unavailable: false,
          },
        ],
      },
    });
  });

  it('replaces the quantity and the snapshot of an existing line in place, clearing a changed price', () => {
    const cart: CartState = cartOf(product(1), product(2));
    const flagged: CartState = {
      lines: cart.lines.map((l, i) => (i === 0 ? { ...l, seenVersion: 2, currentUnitPrice: { amount: 5, currency: 'EUR' } } : l)),
    };
    const outcome = setLine(flagged, product(1, { price: { amount: 5, currency: 'EUR' }, version: 2, name: 'Renamed' }), 7);
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(outcome.cart.lines.map((l) => l.productId)).toEqual([product(1).productId, product(2).productId]);
    expect(outcome.cart.lines[0]).toEqual(
      expect.objectContaining({ quantity: 7, name: 'Renamed', unitPrice: { amount: 5, currency: 'EUR' }, productVersion: 2 }),
    );
    expect(outcome.cart.lines[0]).not.toHaveProperty('currentUnitPrice');
  });

  it.each([0, 100, 1.5, -1, Number.NaN])('refuses the quantity %p', (quantity) => {
    expect(setLine(EMPTY_CART, product(1), quantity)).toEqual({ ok: false, reason: 'INVALID_QUANTITY' });
  });

  it('accepts 1 and 99', () => {
    expect(setLine(EMPTY_CART, product(1), 1).ok).toBe(true);
    expect(setLine(EMPTY_CART, product(1), 99).ok).toBe(true);
  });

  it('refuses a 51st line but still lets a line of a full cart change', () => {
    const full = cartOf(...Array.from({ length: CART_MAX_LINES }, (_, i) => product(i + 1)));
    expect(full.lines).toHaveLength(50);
    expect(setLine(full, product(51), 1)).toEqual({ ok: false, reason: 'TOO_MANY_LINES' });
    expect(setLine(full, product(50), 2).ok).toBe(true);
  });

  it('refuses a product in another currency than the other lines, but not as the only line', () => {
    const cart = cartOf(product(1));
    const usd = product(2, { price: { amount: 1, currency: 'USD' } });
    expect(setLine(cart, usd, 1)).toEqual({ ok: false, reason: 'CURRENCY_MISMATCH' });
    expect(setLine(cart, { ...usd, productId: product(1).productId }, 1).ok).toBe(true);
  });

  it('refuses a line that would make the total unsafe', () => {
    const huge = product(1, { price: { amount: Math.floor(Number.MAX_SAFE_INTEGER / 2), currency: 'EUR' } });
    expect(setLine(EMPTY_CART, huge, 2).ok).toBe(true);
    expect(setLine(EMPTY_CART, huge, 3)).toEqual({ ok: false, reason: 'TOTAL_TOO_LARGE' });
  });
});

describe(removeLine.name, () => {
  it('removes the line, and is a no-op for a product not in the cart', () => {
    const cart = cartOf(product(1), product(2));
    expect(removeLine(cart, product(1).productId).lines.map((l) => l.sku)).toEqual(['SKU-2']);
    expect(removeLine(cart, product(9).productId)).toBe(cart);
  });
});

describe(viewOf.name, () => {
  it('totals the added prices of the lines that can be ordered, and flags changed prices', () => {
    const cart = cartOf(product(1), product(2), product(3));
    const [a, b, c] = cart.lines;
    if (!a || !b || !c) throw new Error('three lines expected');
    const seen: CartState = {
      lines: [
        { ...a, quantity: 2 },
        { ...b, currentUnitPrice: { amount: 1, currency: 'EUR' } },
        { ...c, unavailable: true },
      ],
    };
    const view = viewOf(seen);
    expect(view.total).toEqual({ amount: 2 * 1001 + 1002, currency: 'EUR', basis: 'added-prices' });
    expect(view.lineCount).toBe(3);
    expect(view.items.map((i) => [i.priceChanged, i.currentUnitPrice, i.unavailable])).toEqual([
      [false, undefined, false],
      [true, { amount: 1, currency: 'EUR' }, false],
      [false, undefined, true],
    ]);
    expect(view.items[0]).not.toHaveProperty('currentUnitPrice');
    expect(view.items[0]).not.toHaveProperty('productVersion');
  });

  it('answers an empty cart with a zero total in no currency', () => {
    expect(viewOf(EMPTY_CART)).toEqual({ items: [], total: { amount: 0, currency: 'XXX', basis: 'added-prices' }, lineCount: 0 });
  });
});
